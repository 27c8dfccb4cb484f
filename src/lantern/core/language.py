"""BCP 47 language tags."""

import langcodes


def normalize_language(value: str) -> str:
    """``ES-mx`` -> ``es-MX``; raises ValueError unless the tag is a valid BCP 47 tag."""
    if not isinstance(value, str):
        raise ValueError("must be text")
    tag = (value or "").strip().replace("_", "-")
    if not tag or not langcodes.tag_is_valid(tag):
        raise ValueError(f"{value!r} is not a valid BCP 47 language tag (e.g. en, es-MX, zh-Hant)")
    return langcodes.standardize_tag(tag)


def language_name(tag: str) -> str:
    try:
        return langcodes.Language.get(tag).display_name()
    except (ValueError, LookupError):
        return tag
