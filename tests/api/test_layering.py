"""api/ is thin: it parses, calls research/ (selectors for reads, services for writes) and serialises.

No ORM call under api/: a read there is a read no selector owns, with its own scoping and its own
queries (DESIGN.md sections 6 and 9). Like the no-pyplot test, this reads the code rather than
running it: every line of api/ (comments and strings aside) is matched against the ORM's calls.
"""
import io
import re
import tokenize
from pathlib import Path

API = Path(__file__).resolve().parents[2] / "api"

ORM_CALLS = re.compile(
    r"\.objects\b"
    r"|\bselect_related\(|\bprefetch_related\(|\bselect_for_update\("
    r"|\.(filter|exclude|annotate|aggregate|order_by|values_list|distinct|only|defer|raw|in_bulk|get_or_create"
    r"|update_or_create|bulk_create|bulk_update)\("
    r"|\.values\(\s*[^)\s]"  # a queryset's values("field"); a dict's values() takes nothing
    r"|\.(all|first|last|exists|count|delete|iterator)\(\)"
    r"|\.save\("
    r"|\bget_(object|list)_or_404\b"
)


def code_lines(path: Path) -> dict[int, str]:
    """{line number: the line's code}, with comments and string literals (docstrings too) blanked."""
    source = path.read_text()
    lines = source.splitlines()
    blanked = {number: list(text) for number, text in enumerate(lines, start=1)}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.COMMENT, tokenize.STRING):
            (start_row, start_col), (end_row, end_col) = token.start, token.end
            for row in range(start_row, end_row + 1):
                first = start_col if row == start_row else 0
                last = end_col if row == end_row else len(blanked[row])
                blanked[row][first:last] = " " * (last - first)
    return {number: "".join(chars) for number, chars in blanked.items()}


def orm_calls() -> list[str]:
    found = []
    for path in sorted(API.rglob("*.py")):
        for number, code in code_lines(path).items():
            if ORM_CALLS.search(code):
                found.append(f"{path.relative_to(API.parent)}:{number}: {code.strip()}")
    return found


def test_the_pattern_catches_what_it_should():
    # given lines that read or write through the ORM, and lines that only look alike
    orm = ["Project.objects.all()", "rows.filter(user=user)", "qs.select_related('a')", "qs.values('id')",
           "project.memberships.all()", "get_object_or_404(Alliance, pk=1)", "rows.first()", "upload.save()"]
    plain = ["body.update({'a': 1})", "item.values()", "text.count(':')", "def delete(self, request):",
             "data.get('x')", "query.is_valid(raise_exception=True)"]
    # then the pattern flags every ORM line and none of the others
    assert all(ORM_CALLS.search(line) for line in orm)
    assert not any(ORM_CALLS.search(line) for line in plain)


def test_no_orm_call_under_api():
    # given every Python file under api/
    # when each code line is matched against the ORM's calls
    found = orm_calls()
    # then there are none: reads belong in research/selectors, writes in research/services
    assert found == [], "ORM calls under api/ (move them to a selector or a service):\n" + "\n".join(found)
