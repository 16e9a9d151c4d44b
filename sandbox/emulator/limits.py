"""Discord's payload limits, reported as ``50035 Invalid Form Body`` error trees."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
AUTHOR_NAME = 256
MAX_ACTION_ROWS = 5
MAX_ROW_COMPONENTS = 5
CUSTOM_ID = 100
BUTTON_LABEL = 80
SELECT_OPTIONS = 25
SELECT_PLACEHOLDER = 150
AUTOCOMPLETE_CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
MODAL_TITLE = 45
MODAL_COMPONENTS = 5
TEXT_INPUT_LABEL = 45
TEXT_INPUT_PLACEHOLDER = 100
TEXT_INPUT_VALUE = 4000
COMMAND_NAME = 32
COMMAND_DESCRIPTION = 100
COMMAND_OPTIONS = 25

Errors = dict[str, Any]


class ErrorTree:
    """Accumulates errors at paths such as ``("embeds", 0, "title")``."""

    def __init__(self) -> None:
        self.root: Errors = {}

    def add(self, path: tuple[str | int, ...], code: str, message: str) -> None:
        node = self.root
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def max_length(self, path: tuple[str | int, ...], value: Any, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def length_between(
        self, path: tuple[str | int, ...], value: Any, low: int, high: int, *, required: bool = True
    ) -> None:
        if value is None:
            if required:
                self.add(path, "BASE_TYPE_REQUIRED", "This field is required")
            return
        if not isinstance(value, str):
            self.add(path, "BASE_TYPE_STRING", "Could not interpret value as string.")
            return
        if not low <= len(value) <= high:
            self.add(
                path,
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between {low} and {high} in length.",
            )

    def max_items(self, path: tuple[str | int, ...], value: Any, limit: int) -> None:
        if isinstance(value, list) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def __bool__(self) -> bool:
        return bool(self.root)


def form_error(errors: Errors) -> dict[str, Any]:
    return {"code": 50035, "errors": errors, "message": "Invalid Form Body"}


def _is_url(value: Any, *, allow_attachment: bool = False) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parsed = urlparse(value)
        host = parsed.hostname
    except ValueError:  # e.g. "http://[oops": Discord answers 50035, not an error page
        return False
    if allow_attachment and parsed.scheme == "attachment":
        return bool(parsed.netloc or parsed.path)
    return parsed.scheme in ("http", "https") and bool(host)


def _check_url(
    tree: ErrorTree, path: tuple[str | int, ...], value: Any, *, allow_attachment: bool = False
) -> None:
    if value is None:
        return
    if not _is_url(value, allow_attachment=allow_attachment):
        tree.add(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.")


def embed_length(embed: dict[str, Any]) -> int:
    total = 0
    for key in ("title", "description"):
        total += len(embed.get(key) or "")
    for f in embed.get("fields") or []:
        total += len(f.get("name") or "") + len(f.get("value") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    return total


def check_embeds(tree: ErrorTree, prefix: tuple[str | int, ...], embeds: Any) -> None:
    if embeds is None:
        return
    path = (*prefix, "embeds")
    if not isinstance(embeds, list):
        tree.add(path, "BASE_TYPE_ARRAY", "Must be an array.")
        return
    tree.max_items(path, embeds, MAX_EMBEDS)
    total = 0
    for i, embed in enumerate(embeds):
        ep = (*path, i)
        if not isinstance(embed, dict):
            tree.add(ep, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        total += embed_length(embed)
        tree.max_length((*ep, "title"), embed.get("title"), EMBED_TITLE)
        tree.max_length((*ep, "description"), embed.get("description"), EMBED_DESCRIPTION)
        _check_url(tree, (*ep, "url"), embed.get("url"))
        fields = embed.get("fields") or []
        tree.max_items((*ep, "fields"), fields, EMBED_FIELDS)
        for j, fld in enumerate(fields if isinstance(fields, list) else []):
            fp = (*ep, "fields", j)
            tree.length_between((*fp, "name"), fld.get("name"), 1, FIELD_NAME)
            tree.length_between((*fp, "value"), fld.get("value"), 1, FIELD_VALUE)
        footer = embed.get("footer")
        if isinstance(footer, dict):
            tree.length_between((*ep, "footer", "text"), footer.get("text"), 1, FOOTER_TEXT)
            _check_url(
                tree, (*ep, "footer", "icon_url"), footer.get("icon_url"), allow_attachment=True
            )
        author = embed.get("author")
        if isinstance(author, dict):
            tree.length_between((*ep, "author", "name"), author.get("name"), 1, AUTHOR_NAME)
            _check_url(tree, (*ep, "author", "url"), author.get("url"))
            _check_url(
                tree, (*ep, "author", "icon_url"), author.get("icon_url"), allow_attachment=True
            )
        for key in ("image", "thumbnail"):
            media = embed.get(key)
            if isinstance(media, dict):
                _check_url(tree, (*ep, key, "url"), media.get("url"), allow_attachment=True)
    if total > MAX_EMBED_TOTAL:
        tree.add(
            path, "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {MAX_EMBED_TOTAL}"
        )


def _check_button(tree: ErrorTree, path: tuple[str | int, ...], comp: dict[str, Any]) -> None:
    style = comp.get("style")
    tree.max_length((*path, "label"), comp.get("label"), BUTTON_LABEL)
    if style == 5:
        if comp.get("custom_id") is not None:
            tree.add((*path, "custom_id"), "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED", "Not allowed")
        if not _is_url(comp.get("url")):
            tree.add((*path, "url"), "URL_TYPE_INVALID_URL", "Not a well formed URL.")
    elif style == 6:
        if comp.get("sku_id") is None:
            tree.add((*path, "sku_id"), "BASE_TYPE_REQUIRED", "This field is required")
    else:
        if style not in (1, 2, 3, 4):
            tree.add(
                (*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3, 4, 5, 6)."
            )
        tree.length_between((*path, "custom_id"), comp.get("custom_id"), 1, CUSTOM_ID)


def _check_select(tree: ErrorTree, path: tuple[str | int, ...], comp: dict[str, Any]) -> None:
    tree.length_between((*path, "custom_id"), comp.get("custom_id"), 1, CUSTOM_ID)
    tree.max_length((*path, "placeholder"), comp.get("placeholder"), SELECT_PLACEHOLDER)
    if comp.get("type") == 3:
        options = comp.get("options") or []
        if not options:
            tree.add((*path, "options"), "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
        tree.max_items((*path, "options"), options, SELECT_OPTIONS)
        for k, opt in enumerate(options if isinstance(options, list) else []):
            tree.length_between((*path, "options", k, "label"), opt.get("label"), 1, 100)
            tree.length_between((*path, "options", k, "value"), opt.get("value"), 1, 100)


def check_components(
    tree: ErrorTree, prefix: tuple[str | int, ...], components: Any, *, v2: bool = False
) -> None:
    if components is None:
        return
    path = (*prefix, "components")
    if not isinstance(components, list):
        tree.add(path, "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if not v2:
        tree.max_items(path, components, MAX_ACTION_ROWS)
    seen: set[str] = set()

    def visit(comp: Any, cpath: tuple[str | int, ...], top: bool) -> None:
        if not isinstance(comp, dict):
            tree.add(cpath, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            return
        ctype = comp.get("type")
        cid = comp.get("custom_id")
        if isinstance(cid, str):
            if cid in seen:
                tree.add(
                    (*cpath, "custom_id"),
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            seen.add(cid)
        if ctype == 1:
            children = comp.get("components") or []
            if not children:
                tree.add(
                    (*cpath, "components"), "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length."
                )
            tree.max_items((*cpath, "components"), children, MAX_ROW_COMPONENTS)
            for k, child in enumerate(children if isinstance(children, list) else []):
                visit(child, (*cpath, "components", k), False)
        elif ctype == 2:
            if top and not v2:
                tree.add(cpath, "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).')
            _check_button(tree, cpath, comp)
        elif ctype in (3, 5, 6, 7, 8):
            if top and not v2:
                tree.add(cpath, "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).')
            _check_select(tree, cpath, comp)
        elif v2:
            for key in ("components", "items"):
                children = comp.get(key)
                if isinstance(children, list):
                    for k, child in enumerate(children):
                        visit(child, (*cpath, key, k), False)
            for key in ("accessory", "component"):
                child = comp.get(key)
                if isinstance(child, dict):
                    visit(child, (*cpath, key), False)
        elif top:
            tree.add(cpath, "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).')

    for i, comp in enumerate(components):
        visit(comp, (*path, i), True)


def check_message(
    body: Any, *, prefix: tuple[str | int, ...] = (), require_content: bool = True
) -> dict[str, Any] | None:
    """Validate a message-like body; returns a Discord error JSON, or None when valid."""
    if not isinstance(body, dict):
        return form_error(
            {"_errors": [{"code": "DICT_TYPE_CONVERT", "message": "Must be an object"}]}
        )
    tree = ErrorTree()
    content = body.get("content")
    if content is not None and not isinstance(content, str):
        tree.add((*prefix, "content"), "BASE_TYPE_STRING", "Could not interpret value as string.")
    tree.max_length((*prefix, "content"), content, MAX_CONTENT)
    check_embeds(tree, prefix, body.get("embeds"))
    flags = body.get("flags") or 0
    v2 = bool(isinstance(flags, int) and flags & (1 << 15))
    check_components(tree, prefix, body.get("components"), v2=v2)
    if tree:
        return form_error(tree.root)
    if require_content:
        has_any = bool(
            content
            or body.get("embeds")
            or body.get("components")
            or body.get("attachments")
            or body.get("sticker_ids")
            or body.get("poll")
        )
        if not has_any:
            return {"code": 50006, "message": "Cannot send an empty message"}
    return None


def check_autocomplete(data: Any) -> dict[str, Any] | None:
    tree = ErrorTree()
    choices = (data or {}).get("choices")
    if not isinstance(choices, list):
        tree.add(("data", "choices"), "BASE_TYPE_REQUIRED", "This field is required")
        return form_error(tree.root)
    tree.max_items(("data", "choices"), choices, AUTOCOMPLETE_CHOICES)
    for i, choice in enumerate(choices):
        cp = ("data", "choices", i)
        tree.length_between((*cp, "name"), choice.get("name"), 1, CHOICE_NAME)
        value = choice.get("value")
        if isinstance(value, str):
            tree.max_length((*cp, "value"), value, CHOICE_VALUE)
        elif not isinstance(value, int | float) or isinstance(value, bool):
            tree.add((*cp, "value"), "BASE_TYPE_REQUIRED", "This field is required")
    return form_error(tree.root) if tree else None


def check_modal(data: Any) -> dict[str, Any] | None:
    tree = ErrorTree()
    if not isinstance(data, dict):
        tree.add(("data",), "BASE_TYPE_REQUIRED", "This field is required")
        return form_error(tree.root)
    p = ("data",)
    tree.length_between((*p, "title"), data.get("title"), 1, MODAL_TITLE)
    tree.length_between((*p, "custom_id"), data.get("custom_id"), 1, CUSTOM_ID)
    comps = data.get("components") or []
    if not comps:
        tree.add((*p, "components"), "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
    tree.max_items((*p, "components"), comps, MODAL_COMPONENTS)
    for i, comp in enumerate(comps if isinstance(comps, list) else []):
        cp: tuple[str | int, ...] = (*p, "components", i)
        inner: list[tuple[tuple[str | int, ...], dict[str, Any]]] = []
        if comp.get("type") == 1:
            for k, child in enumerate(comp.get("components") or []):
                inner.append(((*cp, "components", k), child))
        elif comp.get("type") == 18:
            tree.length_between((*cp, "label"), comp.get("label"), 1, TEXT_INPUT_LABEL)
            if isinstance(comp.get("component"), dict):
                inner.append(((*cp, "component"), comp["component"]))
        for ipath, child in inner:
            if child.get("type") == 4:
                if "label" in child:
                    tree.length_between((*ipath, "label"), child.get("label"), 1, TEXT_INPUT_LABEL)
                tree.length_between((*ipath, "custom_id"), child.get("custom_id"), 1, CUSTOM_ID)
                tree.max_length(
                    (*ipath, "placeholder"), child.get("placeholder"), TEXT_INPUT_PLACEHOLDER
                )
                tree.max_length((*ipath, "value"), child.get("value"), TEXT_INPUT_VALUE)
            else:
                tree.length_between((*ipath, "custom_id"), child.get("custom_id"), 1, CUSTOM_ID)
    return form_error(tree.root) if tree else None


def check_commands(body: Any) -> dict[str, Any] | None:
    tree = ErrorTree()
    if not isinstance(body, list):
        return form_error({"_errors": [{"code": "BASE_TYPE_ARRAY", "message": "Must be an array"}]})
    tree.max_items((), body, 100)
    names: set[tuple[int, str]] = set()
    for i, cmd in enumerate(body):
        ctype = int(cmd.get("type", 1))
        name = cmd.get("name")
        tree.length_between((i, "name"), name, 1, COMMAND_NAME)
        if ctype == 1:
            if isinstance(name, str) and name != name.lower():
                tree.add((i, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
            tree.length_between((i, "description"), cmd.get("description"), 1, COMMAND_DESCRIPTION)
        if (ctype, str(name)) in names:
            tree.add(
                (i, "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "Application command names must be unique",
            )
        names.add((ctype, str(name)))
        _check_options(tree, (i, "options"), cmd.get("options"))
    return form_error(tree.root) if tree else None


def _check_options(tree: ErrorTree, path: tuple[str | int, ...], options: Any) -> None:
    if not isinstance(options, list):
        return
    tree.max_items(path, options, COMMAND_OPTIONS)
    for j, opt in enumerate(options):
        op = (*path, j)
        tree.length_between((*op, "name"), opt.get("name"), 1, COMMAND_NAME)
        tree.length_between((*op, "description"), opt.get("description"), 1, COMMAND_DESCRIPTION)
        choices = opt.get("choices")
        tree.max_items((*op, "choices"), choices, 25)
        if opt.get("type") in (1, 2):
            _check_options(tree, (*op, "options"), opt.get("options"))
