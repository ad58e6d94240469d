"""Voice guidance for the visit: what is said on each screen, derived from the page.

- `script`: entry, focus, prompt and countdown utterances (pure).
- `card`: the prescription card read aloud.
- `words`: screen text made ready for a voice (numbers digit by digit, symbols as pauses).
- `phrases`: everything a content can make the voice say, for the pre-renderer.

The sound is `hardware.speech`; the shell's `kiosk.shell.voice_guide` joins the two.
"""

from kiosk.visit.voice.script import Phrase, Utterance, entry, focused

__all__ = ["Phrase", "Utterance", "entry", "focused"]
