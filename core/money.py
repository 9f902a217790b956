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


def _lowest_paid(currency: str) -> str:
    return format_amount(from_minor_units(minimum_charge_minor(currency), currency), currency)


def price_error(price: Decimal, currency: str) -> str | None:
    """Why `price` cannot be a course's price in `currency`, or None.

    A price has at most the currency's decimals (USD cents, whole yen); in a three-decimal
    currency the third is 0, since Stripe takes only multiples of 10 thousandths there
    (1.255 KWD would be recorded as 1.255 and charged 1.250). It is 0 (free) or at least
    Stripe's minimum charge, so every price can be paid."""
    exponent = currency_exponent(currency)
    if price != price.quantize(Decimal(1).scaleb(-exponent)):
        return f"A {currency} price has at most {exponent} decimal places."
    if exponent == 3 and price != price.quantize(Decimal("0.01")):
        return f"A {currency} price ends in 0: Stripe charges {currency} in steps of 0.010."
    if price and to_minor_units(price, currency) < minimum_charge_minor(currency):
        return f"A paid price in {currency} is at least {_lowest_paid(currency)}."
    return None


def extra_price_error(price: Decimal, currency: str, *, course_is_paid: bool) -> str | None:
    """`price_error`, and a paid course is paid in every currency: an extra-currency price
    of 0 would give the course away to whoever picks that currency."""
    error = price_error(price, currency)
    if error is None and course_is_paid and not price:
        return f"A paid course's price in {currency} is at least {_lowest_paid(currency)}."
    return error
