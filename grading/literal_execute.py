"""A kernel-free stand-in for nbgrader's `Execute` step, for case-study submissions.

nbgrader runs every notebook in a fresh Python kernel: about 0.8 s a submission, and the
learner's cells run with the grader's rights. Our answer cells hold literals only
(`grading.validate` refuses anything else before grading starts), and the test cells are
the course's own code, restored from the gradebook by nbgrader's `OverwriteCells` before
this step runs. So no kernel is needed:

- an answer cell's literal is read with `ast.literal_eval` and bound to its name; the
  learner's text is never executed;
- a test cell runs in this process with a small set of builtins, and its last expression
  becomes an `execute_result` exactly as IPython would show it (nbgrader reads that number
  as the partial credit); an exception becomes an `error` output, scored 0, as in a kernel.

It is used through nbgrader's own configuration (`Autograde.autograde_preprocessors`), so
the rest of nbgrader's autograde (saving grades, late penalties, metadata checks) runs
unchanged. `tests/grading` checks that the grades equal plain nbgrader's.
"""

from __future__ import annotations

import ast
import builtins
import traceback
from typing import Any

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor

# What the generated test cells use; nothing that reaches files, imports or the network.
SAFE_BUILTINS = {
    name: getattr(builtins, name)
    for name in (
        "abs", "all", "any", "bool", "dict", "float", "frozenset", "int", "isinstance", "len", "list",
        "max", "min", "repr", "round", "set", "sorted", "str", "sum", "tuple", "type", "zip",
        "AssertionError", "Exception", "KeyError", "NameError", "TypeError", "ValueError",
    )
}  # fmt: skip


class LiteralAnswerError(ValueError):
    """An answer cell that is not a literal assignment reached grading (validate first)."""


def bind_literal(source: str, namespace: dict[str, Any]) -> None:
    """Bind `name = <literal>` from an answer cell; an empty cell binds nothing."""
    tree = ast.parse(source)
    for statement in tree.body:
        if not (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            raise LiteralAnswerError("an answer cell holds something other than a literal assignment")
        namespace[statement.targets[0].id] = ast.literal_eval(statement.value)


def run_trusted(source: str, namespace: dict[str, Any]) -> Any:
    """Run a test cell's code; returns the value of its last expression (or None)."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<test cell>", "exec"), namespace)  # noqa: S102 - the course's own test code
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), "<test cell>", "eval"), namespace)  # noqa: S307


def _error_output(exc: BaseException) -> NotebookNode:
    lines = traceback.format_exception_only(type(exc), exc)
    return nbformat.v4.new_output(
        "error", ename=type(exc).__name__, evalue=str(exc), traceback=[line.rstrip("\n") for line in lines]
    )


class LiteralExecute(NbGraderPreprocessor):
    """nbgrader's Execute step, without a kernel, for literal-only answer notebooks."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        namespace: dict[str, Any] = {"__builtins__": SAFE_BUILTINS}
        count = 0
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            count += 1
            cell.execution_count = count
            cell.outputs = []
            try:
                if utils.is_solution(cell):
                    bind_literal(cell.source, namespace)
                elif utils.is_grade(cell) or utils.is_locked(cell):
                    value = run_trusted(cell.source, namespace)
                    if value is not None:
                        cell.outputs.append(
                            nbformat.v4.new_output(
                                "execute_result", data={"text/plain": repr(value)}, execution_count=count
                            )
                        )
                else:
                    raise LiteralAnswerError("a code cell that is neither an answer nor a test reached grading")
            except Exception as exc:  # as a kernel would: the error is the cell's output, scored 0
                cell.outputs.append(_error_output(exc))
        return nb, resources

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        return cell, resources  # everything happens in preprocess
