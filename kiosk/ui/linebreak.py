"""Line breaking for Korean and English text. Pure: widths come from a `measure` callable.

Rules (the usual Korean typesetting habits, 어절 단위 줄바꿈):

- an explicit "\\n" always ends a line;
- lines break between 어절/words, at spaces; the spaces at a break are dropped, so no line
  starts or ends with a space;
- a word wider than the box is broken between syllables/characters;
- no line starts with closing punctuation (. , ! ? ) 」 … and full-width forms) and no line
  ends with opening punctuation (( 「 “ …): the previous word or syllable is carried down
  instead. Only when a run of such characters cannot fit on a line at all is the rule broken;
- no line is wider than the box, except a single character that is wider on its own;
- no paragraph ends on a line with a single word ("드려요.", "· 24시간" alone): the last word
  of the line before is carried down when the two fit on the line together and the line
  before keeps at least two words of its own.

Widths are never cached here: the caller passes a `measure` that caches if it wants to
(see `FontBook.measurer`), so this module stays free of state.
"""

from collections.abc import Callable, Iterator

Measure = Callable[[str], float]

# Spaces where a line may break. NBSP (U+00A0) is deliberately absent: it means "keep together".
_SPACE_CHARS = " \t\u3000"
BREAKING_SPACES = frozenset(_SPACE_CHARS)
CLOSING_PUNCTUATION = frozenset(
    ".,!?:;)]}」』”’〉》・…~·‥"  # ASCII and common Korean/CJK marks
    "。、，．！？：；）］｝〕】〗〙～〜･"  # full-width variants
)
OPENING_PUNCTUATION = frozenset("([{「『“‘〈《（［｛〔【〖〘")


def wrap(text: str, width: float, measure: Measure) -> list[str]:
    """Break `text` into lines no wider than `width` (as measured by `measure`).

    Every paragraph (text between explicit newlines) gives at least one line, so
    ``wrap("a\\n\\nb", ...) == ["a", "", "b"]`` and ``wrap("", ...) == [""]``.
    """
    return [line for line, _ in measured_lines(text, width, measure)]


def fit_lines(text: str, width: float, max_lines: int, measure: Measure) -> list[str] | None:
    """The wrapped lines if they fit in `max_lines` lines of `width`, else None.

    "Fit" also means no line overflows, so a lone character wider than the box is a misfit.
    Stops measuring as soon as the text is known not to fit.
    """
    lines: list[str] = []
    for line, line_width in measured_lines(text, width, measure):
        if len(lines) == max_lines or line_width > width:
            return None
        lines.append(line)
    return lines


def measured_lines(text: str, width: float, measure: Measure) -> Iterator[tuple[str, float]]:
    """Like `wrap`, lazily, with each line's measured width (saves measuring it again)."""
    for paragraph in text.split("\n"):
        yield from _paragraph_lines(paragraph, width, measure)


def _paragraph_lines(text: str, width: float, measure: Measure) -> Iterator[tuple[str, float]]:
    start = _skip_spaces(text, 0)
    if start == len(text):
        yield "", 0.0
        return
    # Two lines are held back (only the last two can change), so a caller that stops early
    # (fit_lines) still measures no more than it must.
    held: list[tuple[str, float]] = []
    while start < len(text):
        end, line_width = _next_line_end(text, start, width, measure)
        held.append((text[start:end], line_width))
        if len(held) > 2:
            yield held.pop(0)
        start = _skip_spaces(text, end)
    yield from no_lone_last_word(held, width, measure)


def is_word(token: str) -> bool:
    """A token that reads as a word: it has a letter or a digit ("·" and "—" do not)."""
    return any(ch.isalnum() for ch in token)


def _tokens(line: str) -> list[str]:
    """Words split at breaking spaces only (a no-break space keeps its words together)."""
    out, word = [], ""
    for ch in line:
        if ch in BREAKING_SPACES:
            if word:
                out.append(word)
            word = ""
        else:
            word += ch
    return [*out, word] if word else out


def words_in(line: str) -> int:
    return sum(1 for token in _tokens(line) if is_word(token))


def no_lone_last_word(
    lines: list[tuple[str, float]], width: float, measure: Measure
) -> list[tuple[str, float]]:
    """A paragraph's lines, with a lone last word given company from the line above (the
    words carried down up to and including a real word), when they fit and the line above
    keeps two words of its own."""
    if len(lines) < 2 or words_in(lines[-1][0]) != 1:
        return lines
    before, last = lines[-2][0], lines[-1][0]
    tokens = _tokens(before)
    for k in range(1, len(tokens)):
        kept, moved = tokens[:-k], tokens[-k:]
        if not any(is_word(t) for t in moved):
            continue  # "·" alone is no company: carry one more
        if sum(1 for t in kept if is_word(t)) < 2:
            return lines  # "The" alone above "machine paused" is no better than a lone last word
        head, tail = " ".join(kept), " ".join([*moved, last])
        if head[-1] in OPENING_PUNCTUATION:
            return lines
        tail_width = measure(tail)
        if tail_width > width:
            return lines
        return [*lines[:-2], (head, measure(head)), (tail, tail_width)]
    return lines


def _next_line_end(text: str, start: int, width: float, measure: Measure) -> tuple[int, float]:
    """Where the line starting at `start` (a non-space) ends, and its width."""
    best: tuple[int, float] | None = None
    overflow_at = len(text)
    for end in _word_ends(text, start):
        if not _can_break(text, end):
            continue
        line_width = measure(text[start:end])
        if line_width > width:
            overflow_at = end
            break
        best = (end, line_width)
    if best is not None:
        return best
    # The first word (with whatever punctuation is glued to it) is wider than the box.
    end = _break_inside_word(text, start, _fit_limit(text, start, overflow_at, width, measure))
    return end, measure(text[start:end])


def _word_ends(text: str, start: int) -> Iterator[int]:
    """Ends of the words after `start`: positions of a space that follows a non-space, and
    the end of the text."""
    for index in range(start + 1, len(text)):
        if text[index] in BREAKING_SPACES and text[index - 1] not in BREAKING_SPACES:
            yield index
    if text[-1] not in BREAKING_SPACES:
        yield len(text)


def _can_break(text: str, end: int) -> bool:
    """Whether a line may end at `end` (just after a non-space) without leaving opening
    punctuation at its end or pushing closing punctuation to the start of the next line.
    The end of the paragraph is always a break, whatever precedes it."""
    following = _skip_spaces(text, end)
    if following == len(text):
        return True
    return text[end - 1] not in OPENING_PUNCTUATION and text[following] not in CLOSING_PUNCTUATION


def _fit_limit(text: str, start: int, overflow_at: int, width: float, measure: Measure) -> int:
    """The largest end in [start, overflow_at) whose line fits (binary search: a longer
    prefix is never narrower). Returns `start` when not even one character fits."""
    low, high = start, overflow_at - 1
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[start:middle].rstrip(_SPACE_CHARS)) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _break_inside_word(text: str, start: int, limit: int) -> int:
    """Choose a character break at or before `limit`, honouring the punctuation rules when
    possible; at least one character always goes on the line."""
    for end in range(limit, start, -1):
        if text[end - 1] not in BREAKING_SPACES and _can_break(text, end):
            return end
    # No allowed break fits: an unavoidable run of punctuation. Fill the line anyway.
    for end in range(limit, start, -1):
        if text[end - 1] not in BREAKING_SPACES:
            return end
    return start + 1  # a single character wider than the box gets a line of its own


def _skip_spaces(text: str, index: int) -> int:
    while index < len(text) and text[index] in BREAKING_SPACES:
        index += 1
    return index
