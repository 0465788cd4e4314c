"""Values the session keeps across pages and languages, and the language itself.

Streamlit forgets a widget's value on a run that does not draw it (another page), and a widget
whose option labels are translated cannot read back the label the browser still holds after a
language switch. So the session owns each value under a plain name, and widgets are views of it:
a widget's key carries the language ("gateway::en"), is seeded from the kept value when it is
missing (first draw, back from another page, a new language), and every value the browser sent
is taken back into the kept values at the start of each run (``capture_widgets``).
"""

from __future__ import annotations

import streamlit as st

from lib.i18n import pick_language

LANGUAGE_KEY = "lang"  # the language switch's own widget key: its labels (中文, English) never change
_KEPT = "kept_values"
_DRAWN_IN = "kept_values_language"
_IDENTITIES = "kept_values_widget_identity"
_SEP = "::"


def language() -> str:
    if LANGUAGE_KEY not in st.session_state:
        st.session_state[LANGUAGE_KEY] = pick_language(st.context.locale)
    return st.session_state[LANGUAGE_KEY]


def _kept() -> dict[str, object]:
    return st.session_state.setdefault(_KEPT, {})


def _key(name: str) -> str:
    return f"{name}{_SEP}{language()}"


def widget_key(name: str, default: object = None, identity: object = None) -> str:
    """The key for the widget showing kept value ``name``; call it before drawing the widget.

    ``identity``: the widget parameters Streamlit hashes into a keyed widget's identity (a text
    field's max_chars): when they change Streamlit resets the widget, so it is seeded again."""
    key = _key(name)
    kept = _kept()
    identities = st.session_state.setdefault(_IDENTITIES, {})
    same_widget = identities.get(key) == identity
    identities[key] = identity
    if name in kept:
        if same_widget and key in st.session_state and st.session_state[key] == kept[name]:
            return key  # unchanged: nothing is sent back to the browser
        # From the kept value (already up to date: ``capture_widgets`` ran first). Hence never
        # call this after the widget is drawn, nor for a widget inside a fragment.
        st.session_state[key] = kept[name]
    elif key not in st.session_state:
        st.session_state[key] = default
    return key


def seed_value(name: str, default: object) -> None:
    """Give kept value ``name`` its default once, without touching its widget (whose key, and the
    identity it is drawn with, ``widget_key`` decides when the widget is drawn)."""
    if name not in _kept() and _key(name) not in st.session_state:
        _kept()[name] = default


def value(name: str, default: object = None) -> object:
    """A kept value: what the user last chose, whichever page or language they chose it on."""
    key = _key(name)
    if key in st.session_state:
        return st.session_state[key]
    return _kept().get(name, default)


def set_value(name: str, new_value: object) -> None:
    """Change a kept value from code (prefill, a callback): before ``widget_key`` is called for it
    in this run, since its widgets are re-seeded from the kept value when next drawn."""
    _kept()[name] = new_value
    for key in [k for k in st.session_state.keys() if isinstance(k, str) and k.startswith(name + _SEP)]:
        if key.rsplit(_SEP, 1)[0] == name:
            del st.session_state[key]


def correct_value(name: str, new_value: object) -> None:
    """Change a kept value after ``widget_key`` but before its widget is drawn (say, to drop an
    option that no longer exists)."""
    _kept()[name] = new_value
    if st.session_state.get(_key(name)) != new_value:
        st.session_state[_key(name)] = new_value


def capture_widgets() -> None:
    """Take every value the browser sent back into the kept values (the frame calls it first).
    Only the widgets of the language the last run drew: the browser edited those."""
    kept = _kept()
    suffix = _SEP + st.session_state.get(_DRAWN_IN, language())
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.endswith(suffix):
            kept[key[: -len(suffix)]] = st.session_state[key]
    st.session_state[_DRAWN_IN] = language()


# --- Widgets that are not kept values ---------------------------------------------------------
# A form's fields (sent as one), a password field (never sent back to the browser), a button's
# click target: their state is Streamlit's own, read and seeded here so no other module touches it.


def widget_state(key: str, default: object = None) -> object:
    return st.session_state.get(key, default)


def set_widget_state(key: str, new_value: object) -> None:
    """For a callback or before the widget is drawn."""
    st.session_state[key] = new_value


def keep_widget_state(key: str, default: object) -> None:
    """Re-assign a widget's state every run: Streamlit drops the value of a widget it did not draw
    in a run (a form hidden while an error shows), and the user's typing with it."""
    st.session_state[key] = st.session_state.get(key, default)
