"""The rules for writing content: tone, the gentle cards, facts, items and safe messaging.

They used to live in comments at the top of the content files, which a spreadsheet import
rewrites; now they live here, and `docs/content-format.md` ("Rules for writing") holds the same
lines word for word (a test compares them). The workbook's first sheet shows them to staff.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    ko: str
    en: str


@dataclass(frozen=True)
class RuleGroup:
    title_ko: str
    title_en: str
    rules: tuple[Rule, ...]


RULES: tuple[RuleGroup, ...] = (
    RuleGroup(
        "말투",
        "Tone",
        (
            Rule(
                "저장하기 전에 소리 내어 읽어 보세요: 따뜻한 해요체로, 가르치지 않고, 의학 용어 "
                "없이 씁니다.",
                "Read every phrase aloud before saving: warm 해요체, no lecturing, no medical "
                "words.",
            ),
            Rule(
                "찾아오는 분은 나이가 많고 혼자 사는 분이 많습니다. 직장, 출근, 월요일을 당연하게 "
                "여기는 농담은 쓰지 않습니다.",
                "Most visitors are older and many live alone: no jokes that assume a job, a "
                "commute or Mondays.",
            ),
            Rule(
                "나이, 외모, 병을 놀리지 않습니다. '결정장애', '정신병자' 같은 낙인 말은 쓰지 "
                "않습니다.",
                "Never poke fun at age, looks or illness; no stigma words.",
            ),
            Rule(
                "'당신'은 되도록 빼고 씁니다. 'X가 아니라 Y' 같은 틀은 가끔만 씁니다.",
                "Leave out '당신' where you can; use the 'not X but Y' pattern sparingly.",
            ),
            Rule(
                "비슷한 처방을 두 번 쓰지 않습니다. 검사가 서로 너무 닮은 문구를 찾아 알려 줍니다.",
                "No two cards with the same idea; the check finds phrases that are too alike.",
            ),
        ),
    ),
    RuleGroup(
        "힘든 분께 가는 카드 (gentle)",
        "Gentle cards",
        (
            Rule(
                "gentle = true인 카드는 외로움 점수가 높은 분께 갑니다. 조용하고 따뜻하게 쓰고, "
                "들뜬 농담이나 '혼자 쉬어도 괜찮아요', '전원 끄고' 같은 말은 쓰지 않습니다.",
                "Gentle cards go to visitors with a high loneliness score: quiet and warm, no "
                "upbeat jokes, never 'be alone' or 'switch off'.",
            ),
            Rule(
                "분류마다 gentle 카드가 '되풀이 막기' 수(기본 10장)에 여유 2장을 더한 만큼 "
                "있어야 합니다. 물품 이름을 말하는 카드는 세지 않습니다.",
                "Every category needs as many gentle cards as the no-repeat window (10 by "
                "default) plus a margin of 2; cards that name an item do not count.",
            ),
        ),
    ),
    RuleGroup(
        "사실",
        "Facts",
        (
            Rule(
                "전화번호와 장소는 손으로 쓰지 않고 자리표시로 씁니다: {hotline-120.number}, "
                "{hotline-120.then_press}, {hotline-109.number}, {place.name}, {place.hours}.",
                "Never write a help number or a place by hand: use the placeholders "
                "{hotline-120.number}, {hotline-120.then_press}, {hotline-109.number}, "
                "{place.name}, {place.hours}.",
            ),
            Rule(
                "서울마음편의점은 평일 낮에 문을 엽니다. '언제든 들르세요'라고 쓰지 않습니다. "
                "그곳에서는 라면과 커피를 나눕니다.",
                "The 서울마음편의점 keep weekday hours: never 'drop in any time'. They offer "
                "ramen and coffee.",
            ),
            Rule(
                "영어 이름은 서울시가 쓰는 대로: 외로움안녕120은 Goodbye Loneliness 120, "
                "서울마음편의점은 Seoul Maeum Convenience Store. 자리표시 {hotline-120.name}을 "
                "쓰면 저절로 맞습니다.",
                "English names as the city uses them: Goodbye Loneliness 120 and Seoul Maeum "
                "Convenience Store; the placeholder {hotline-120.name} gets it right.",
            ),
        ),
    ),
    RuleGroup(
        "물품",
        "Items",
        (
            Rule(
                "문구에서 물품을 말하면(예: '이 손난로') 그 처방의 물품 칸에는 그 물품 하나만 "
                "적습니다. 그렇지 않으면 문구에서 물품을 말하지 않습니다.",
                "A card that names its item ('this hand warmer') lists only that item; "
                "otherwise the text names none.",
            ),
        ),
    ),
    RuleGroup(
        "안전한 말 (자살예방 보도준칙 4.0)",
        "Safe messaging",
        (
            Rule(
                "자살이나 자해의 방법, 수단, 장소, 동기를 절대 쓰지 않습니다. '극단적 선택'도 "
                "쓰지 않습니다.",
                "Never a method, means, place or motive of suicide or self-harm; not "
                "'극단적 선택' either.",
            ),
            Rule(
                "선정적인 말과 낙인 말은 쓰지 않습니다. 희망과 회복, 사람과 이어지는 길을 "
                "말합니다.",
                "No sensational or stigma words; speak of hope, recovery and connection.",
            ),
            Rule(
                "쓰면 안 되는 말은 banned-terms.toml에 있습니다. 띄어쓰기, 조사, 활용이 달라도 "
                "걸러집니다.",
                "The banned words are in banned-terms.toml; spacing, particles and "
                "conjugation do not get past the check.",
            ),
        ),
    ),
)
