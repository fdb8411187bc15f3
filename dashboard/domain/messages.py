"""Words made below the rendering layer (a file's problems and notes, the reason a load was refused), kept so that
the renderer can say them in the reader's language.

A `Message` is its English words (it is a str: logs, the command line and the API read it as they always did) and
the template and values they were made from. `words.say` translates the template (the catalogues hold it: pybabel
extract finds `Message(...)` and `Plural(...)`) and fills in the values, themselves translated when they are
Messages. A Message survives a trip through JSON as `as_data` gives it (a job's outcome is stored between
requests).
"""

from __future__ import annotations

from typing import Any


class Message(str):
    """English words, with the template and values they were made from ("unknown syndrome {value}", value="flu")."""

    template: str
    plural: str | None
    amount: int | None  # (the count a Plural is for: `count` is str's own method)
    values: dict[str, Any]

    def __new__(
        cls, template: str, /, *, plural: str | None = None, count: int | None = None, **values: Any
    ) -> Message:
        chosen = plural if plural is not None and count != 1 else template
        # (a list of values, Messages or not, is written as a list: "a, b, c")
        shown = {k: ", ".join(map(str, v)) if isinstance(v, list) else v for k, v in values.items()}
        self = super().__new__(cls, chosen.format(**shown) if values else chosen)
        self.template, self.plural, self.amount, self.values = template, plural, count, values
        return self

    def __reduce__(self):  # (pickled as its words and what they were made from: RQ's jobs pickle their results)
        return (_rebuilt, (as_data(self),))


def Plural(singular: str, plural: str, count: int, /, **values: Any) -> Message:
    """Words for a count, English's two forms here ("1 row", "2 rows"), each language's own when rendered."""
    return Message(singular, plural=plural, count=count, **values)


def as_data(text: Any) -> Any:
    """A Message (or a str, or a list of them) as plain data for JSON: {"text": template, "plural": ..., "count": n,
    "values": {...}}."""
    if isinstance(text, list):
        return [as_data(item) for item in text]
    if not isinstance(text, Message):
        return text if isinstance(text, (str, int, float)) or text is None else str(text)
    data: dict[str, Any] = {"text": text.template, "values": {k: as_data(v) for k, v in text.values.items()}}
    if text.plural is not None:
        data.update(plural=text.plural, count=text.amount)
    return data


def from_data(data: Any) -> Any:
    """The Message `as_data` made (a str stays a str)."""
    if isinstance(data, list):
        return [from_data(item) for item in data]
    if isinstance(data, dict) and "text" in data:
        values = {k: from_data(v) for k, v in data.get("values", {}).items()}
        return Message(data["text"], plural=data.get("plural"), count=data.get("count"), **values)
    return data


def message_of(exc: Exception) -> Message | str:
    """What an exception says, as it was made (a Message keeps its template and values), else its words."""
    return exc.args[0] if exc.args and isinstance(exc.args[0], Message) else str(exc)


def renamed(text: Any, old: str, new: str) -> Any:
    """`text` with `old` written `new` wherever it appears (a temporary file's name given back its upload's)."""
    if isinstance(text, list):
        return [renamed(item, old, new) for item in text]
    if isinstance(text, Message):
        values = {key: renamed(value, old, new) for key, value in text.values.items()}
        return Message(text.template, plural=text.plural, count=text.amount, **values)
    return text.replace(old, new) if isinstance(text, str) else text


def _rebuilt(data: Any) -> Any:
    return from_data(data)
