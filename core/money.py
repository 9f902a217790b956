"""Money: `Decimal` in major units everywhere, minor units only at Stripe's boundary.

Stripe counts zero-decimal currencies (JPY) in whole units and three-decimal ones (KWD)
in thousandths; everything else in cents.
"""

from decimal import ROUND_HALF_UP, Decimal

# Currencies a course can be priced in. Lower-case ISO 4217, as Stripe and the SPA write them.
SUPPORTED_CURRENCIES = (
    "usd", "eur", "gbp", "cad", "aud", "chf", "inr", "brl", "mxn", "jpy", "krw", "kwd", "bhd",
    "jod", "omr", "tnd",
)  # fmt: skip
ZERO_DECIMAL_CURRENCIES = frozenset(
    ("bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga",
     "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf")
)  # fmt: skip
THREE_DECIMAL_CURRENCIES = frozenset(["bhd", "jod", "kwd", "omr", "tnd"])
# Stripe's minimum charge per currency, in minor units.
MINIMUM_CHARGE_MINOR = {
    "usd": 50, "eur": 50, "gbp": 30, "jpy": 50, "cad": 50, "aud": 50, "chf": 50, "inr": 50,
    "brl": 50, "mxn": 1000,
}  # fmt: skip

MAX_PRICE = Decimal("999999.99")


def currency_exponent(currency: str) -> int:
    currency = currency.lower()
    if currency in ZERO_DECIMAL_CURRENCIES:
        return 0
    if currency in THREE_DECIMAL_CURRENCIES:
        return 3
    return 2


def quantize_amount(amount: Decimal, currency: str) -> Decimal:
    exponent = currency_exponent(currency)
    return Decimal(amount).quantize(Decimal(1).scaleb(-exponent), rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal, currency: str) -> str:
    """The API's decimal string: `"49.99"` for USD, `"5000"` for JPY, `"1.250"` for KWD."""
    return str(quantize_amount(amount, currency))


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Stripe's integer amount. Three-decimal currencies must end in 0 (Stripe's rule)."""
    exponent = currency_exponent(currency)
    minor = int(quantize_amount(amount, currency).scaleb(exponent))
    if exponent == 3:
        minor = (minor // 10) * 10
    return minor


def from_minor_units(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-currency_exponent(currency))


def minimum_charge_minor(currency: str) -> int:
    """Stripe's minimum (minor units); unlisted currencies: one major unit's worth is safe."""
    currency = currency.lower()
    if currency in MINIMUM_CHARGE_MINOR:
        return MINIMUM_CHARGE_MINOR[currency]
    return 10 ** currency_exponent(currency) // 2 or 1
