#!/usr/bin/python3
"""What Bitcart's modifypaymenturl makes of a URI: its utils.modify_payment_url, which is Python's
own urllib (urlparse, parse_qsl, urlencode). Reads a JSON list of {"url", "amount"} (amount as
text) on stdin, writes one JSON object per entry on stdout: {"url"} rewritten, or {"error"} when
the amount is no decimal."""
import json
import sys
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl, urlencode, urlparse, urlunparse


def modify_payment_url(key, url, amount):
    if not Decimal(amount):
        return url
    parsed = urlparse(url)
    qs = dict(parse_qsl(parsed.query))
    qs[key] = amount
    parsed = parsed._replace(query=urlencode(qs))
    return urlunparse(parsed)


out = []
for case in json.load(sys.stdin):
    try:
        out.append({"url": modify_payment_url("amount", case["url"], case["amount"])})
    except InvalidOperation:
        out.append({"error": True})
json.dump(out, sys.stdout)
