"""The checks on the set of cards as a whole, told as issues staff can act on: every card that
names an item is given only with it (prescriptions.honesty), every category has enough gentle
cards for a lonely visitor (prescriptions.coverage), and no two cards say the same thing
(prescriptions.similarity).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from prescriptions.coverage import shortfalls
from prescriptions.errors import ContentIssue, IssueCode
from prescriptions.honesty import broken_promises
from prescriptions.loader import SourceMap
from prescriptions.model import BASE_LANGUAGE, Content
from prescriptions.schema import issue
from prescriptions.similarity import THRESHOLD, near_duplicates


def item_issues(
    content: Content, sources: SourceMap, naming: Mapping[str, tuple[str, ...]]
) -> Iterator[ContentIssue]:
    for broken in broken_promises(content, naming):
        p = broken.prescription
        where = sources.where("prescription", p.id)
        named = ", ".join(broken.named)
        listed = ", ".join(p.items) or "(없음)"
        if len(broken.named) > 1:
            ko = (
                f"문구가 물품을 둘 이상 말합니다 ({named}). 자판기는 하나만 드리므로, 하나만 "
                f"말하거나 물품 이름을 빼세요."
            )
            en = f"The text names several items ({named}); the machine gives one. Name one or none."
        else:
            ko = (
                f"문구가 '{named}'을(를) 말하는데 물품 칸은 [{listed}]입니다. 다른 물품과 함께 "
                f'나가면 약속이 틀립니다: items = ["{named}"]로 하거나 문구에서 물품을 빼세요.'
            )
            en = (
                f"The text names '{named}' but items is [{listed}]: given with anything else it "
                f'promises what the visitor does not get. Set items = ["{named}"] or do not '
                f"name it."
            )
        yield issue(where.file, where.line("items"), IssueCode.NAMED_ITEM, ko, en)


def gentle_issues(
    content: Content,
    sources: SourceMap,
    naming: Mapping[str, tuple[str, ...]],
    window: int,
    margin: int,
) -> Iterator[ContentIssue]:
    for short in shortfalls(content, window, naming, margin):
        where = sources.where("category", short.category.id)
        have = len(short.gentle)
        yield issue(
            where.file,
            where.line("id"),
            IssueCode.GENTLE_COVERAGE,
            f"'{short.category.id}' 분류에서 마음이 많이 힘든 분께 갈 수 있는 카드(gentle = true, "
            f"물품 이름을 말하지 않는 것)가 {have}장뿐입니다. 되풀이 막기 {window}장에 여유 "
            f"{margin}장을 더해 {short.needed}장 이상 있어야, 외로움 점수가 높은 분이 같은 "
            f"카드를 되풀이해 받지 않습니다. {short.needed - have}장 더 쓰거나 알맞은 카드를 "
            f"이 분류에도 넣으세요.",
            f"Category '{short.category.id}' has {have} gentle cards a visitor with a high "
            f"loneliness score can be given (gentle, naming no item); the no-repeat window of "
            f"{window} plus a margin of {margin} needs {short.needed}. Add "
            f"{short.needed - have}, or file suitable gentle cards under it too.",
        )


def duplicate_issues(content: Content, sources: SourceMap) -> Iterator[ContentIssue]:
    for pair in near_duplicates(content.prescriptions):
        a = sources.where("prescription", pair.first.id)
        b = sources.where("prescription", pair.second.id)
        line = b.line(BASE_LANGUAGE, "phrase")
        first = f"{a.file}:{a.line(BASE_LANGUAGE, 'phrase')}"
        yield issue(
            b.file,
            line,
            IssueCode.NEAR_DUPLICATE,
            f"'{pair.second.id}'의 문구가 '{pair.first.id}'({first})와 거의 같습니다 "
            f"(닮은 정도 {pair.score:.2f}, 기준 {THRESHOLD}). 둘 중 하나를 새 생각으로 "
            f"다시 쓰세요.",
            f"The phrase of '{pair.second.id}' is nearly that of '{pair.first.id}' ({first}); "
            f"similarity {pair.score:.2f}, limit {THRESHOLD}. Rewrite one with a new idea.",
        )
