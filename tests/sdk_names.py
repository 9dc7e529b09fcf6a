"""The private singer-sdk names a piece of code uses, read from source (AST).

Private here means what the SDK does not offer as its API, which may change in
any release:

- a name starting with ``_`` (not a dunder) that a class of the SDK defines: a
  method, a class or instance attribute. Code uses one by reading or setting it
  as an attribute (``self._tap``), or by defining a method of that name (an
  override);
- a module of the SDK with a part starting with ``_`` (``singer_sdk.helpers._batch``),
  or a ``_`` name of an SDK module, imported;
- a member of a class that lives in such a module (``StreamStateManager`` of
  ``singer_sdk.streams._state``), public-named but not part of the documented
  API, reached through an SDK attribute whose annotation names that class
  (``state_manager``, ``batch_config``), or a variable named like one.

Receivers are not typed: a ``_`` name the tap defines for itself that the SDK
also defines is reported too (rename it). :func:`uses` names each as
:func:`listed` does for ``tap_everflow/sdk_private.py``.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import typing as t
from dataclasses import dataclass
from pathlib import Path

import singer_sdk

SDK_DIR = Path(singer_sdk.__file__).parent
TAP_DIR = Path(__file__).resolve().parent.parent / "tap_everflow"


def is_private(name: str) -> bool:
    """A ``_name``, not a ``__dunder__`` (nor a mangled ``__name``)."""
    return name.startswith("_") and not name.startswith("__")


@dataclass(frozen=True)
class SdkNames:
    """What the SDK's source defines that is not its API.

    Attributes:
        private: ``_`` names the SDK's classes define.
        modules: dotted names of the SDK's private modules.
        members: for each class of a private module, the names it defines.
        reached_by: for each attribute, property or method name the SDK
            annotates with a class of a private module, those classes.
    """

    private: frozenset[str]
    modules: frozenset[str]
    members: dict[str, frozenset[str]]
    reached_by: dict[str, frozenset[str]]


def _module_name(path: Path) -> str:
    parts = path.relative_to(SDK_DIR.parent).with_suffix("").parts
    return ".".join(part for part in parts if part != "__init__")


def _defined_in_class(node: ast.ClassDef) -> t.Iterator[tuple[str, ast.expr | None]]:
    """Each name a class defines, with its annotation when it has one."""
    for item in node.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            yield item.name, item.returns
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            yield item.target.id, item.annotation
        elif isinstance(item, ast.Assign):
            for target in item.targets:
                if isinstance(target, ast.Name):
                    yield target.id, None
    for method in node.body:
        if isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _instance_attributes(method)


def _instance_attributes(
    method: ast.FunctionDef | ast.AsyncFunctionDef,
) -> t.Iterator[tuple[str, ast.expr | None]]:
    """``self.name = ...`` in a method, annotated, or typed by the parameter set."""
    parameters = {arg.arg: arg.annotation for arg in method.args.args}
    parameters.update({arg.arg: arg.annotation for arg in method.args.kwonlyargs})
    for node in ast.walk(method):
        if isinstance(node, ast.AnnAssign):
            targets, annotation = [node.target], node.annotation
        elif isinstance(node, ast.Assign):
            value = node.value
            source = value.id if isinstance(value, ast.Name) else ""
            targets, annotation = node.targets, parameters.get(source)
        else:
            continue
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
            ):
                yield target.attr, annotation


def _named(annotation: ast.expr | None) -> set[str]:
    """The identifiers an annotation names, string annotations included."""
    if annotation is None:
        return set()
    names = set()
    for node in ast.walk(annotation):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                names |= _named(ast.parse(node.value, mode="eval").body)
            except SyntaxError:
                continue
    return names


def sdk_names(package_dir: Path = SDK_DIR) -> SdkNames:
    """Read the private names out of the SDK's source under ``package_dir``."""
    private: set[str] = set()
    modules: set[str] = set()
    members: dict[str, set[str]] = {}
    annotated: list[tuple[str, set[str]]] = []
    for path in sorted(package_dir.rglob("*.py")):
        module = _module_name(path)
        in_private_module = any(is_private(part) for part in module.split("."))
        if in_private_module:
            modules.add(module)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            for name, annotation in _defined_in_class(node):
                if is_private(name):
                    private.add(name)
                elif in_private_module and not name.startswith("__"):
                    members.setdefault(node.name, set()).add(name)
                annotated.append((name, _named(annotation)))
    reached_by: dict[str, set[str]] = {}
    for name, named in annotated:
        if classes := named & members.keys():
            reached_by.setdefault(name, set()).update(classes)
    return SdkNames(
        private=frozenset(private),
        modules=frozenset(modules),
        members={k: frozenset(v) for k, v in members.items()},
        reached_by={k: frozenset(v) for k, v in reached_by.items()},
    )


def _receiver(node: ast.expr) -> str | None:
    """The name an attribute is read from: ``x``, ``a.x``, or ``a.x(...)``."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _imported(node: ast.Import | ast.ImportFrom, names: SdkNames) -> t.Iterator[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            parts = alias.name.split(".")
            if parts[0] == "singer_sdk" and any(map(is_private, parts)):
                yield alias.name
        return
    module = node.module or ""
    if node.level or module.split(".")[0] != "singer_sdk":
        return
    for alias in node.names:
        if module in names.modules or is_private(alias.name):
            yield f"{module}.{alias.name}"


def uses(source: str, names: SdkNames) -> set[str]:
    """The SDK's private names ``source`` uses, named as :func:`listed` names them."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.update(_imported(node, names))
        elif isinstance(node, ast.ClassDef):
            found.update(
                item.name
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                and item.name in names.private
            )
        elif isinstance(node, ast.Attribute):
            if node.attr in names.private:
                found.add(node.attr)
                continue
            receiver = _receiver(node.value)
            for owner in names.reached_by.get(receiver or "", ()):
                if node.attr in names.members[owner]:
                    found.add(f"{owner}.{node.attr}")
    return found


def tap_uses(names: SdkNames, package_dir: Path = TAP_DIR) -> dict[str, set[str]]:
    """Each private SDK name the tap's package uses, with the files using it."""
    where: dict[str, set[str]] = {}
    for path in sorted(package_dir.rglob("*.py")):
        for name in uses(path.read_text(encoding="utf-8"), names):
            where.setdefault(name, set()).add(str(path.relative_to(package_dir.parent)))
    return where


def listed(owned: t.Iterable[tuple[type, str]], imports: t.Iterable[str]) -> set[str]:
    """Names for ``(owner, name)`` pairs and imports, as :func:`uses` gives them.

    A ``_`` name stands alone (the tap's code does not say whose it is); a
    public-named member of a private module's class is ``Class.member``.
    """
    return {
        name if is_private(name) else f"{owner.__name__}.{name}"
        for owner, name in owned
    } | set(imports)


def annotation_in_sdk(owner: type, name: str) -> str | None:
    """How ``owner``'s own source declares data attribute ``name``.

    Returns:
        Its annotation as written, ``""`` when it is set without one, None when
        ``owner``'s class body and methods do not define it.
    """
    tree = ast.parse(textwrap.dedent(inspect.getsource(owner)))
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    declared = [
        "" if annotation is None else ast.unparse(annotation)
        for found, annotation in _defined_in_class(classes[0])
        if found == name
    ]
    annotated = [text for text in declared if text]
    return annotated[0] if annotated else ("" if declared else None)
