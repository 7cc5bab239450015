"""A TOP client in plain Python (standard library only), for tests/serve.rs: it signs and sends
calls to a running `topgen-gateway serve` the way Taobao's SDKs do, and checks the answers.

    python3 client.py ENDPOINT APP_KEY SECRET

Prints one line per check and exits 1 on the first answer that is not the expected one.
"""

import datetime
import hashlib
import hmac
import json
import sys
import time
import urllib.parse
import urllib.request


def sign(params, secret, method):
    text = "".join(k + v for k, v in sorted(params.items()))
    if method == "md5":
        return hashlib.md5((secret + text + secret).encode("utf-8")).hexdigest().upper()
    return hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest().upper()


def gmt8_now():
    return (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")


def call(endpoint, params, how):
    """POST a form with every param (the Node SDK's layout), or GET them all in the query."""
    data = urllib.parse.urlencode(params)
    if how == "post":
        request = urllib.request.Request(
            endpoint,
            data=data.encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"},
        )
    else:
        request = urllib.request.Request(endpoint + "?" + data)
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.loads(reply.read().decode("utf-8"))


def system(app_key, method, sign_method, timestamp):
    return {
        "method": method,
        "app_key": app_key,
        "timestamp": timestamp,
        "v": "2.0",
        "format": "json",
        "sign_method": sign_method,
    }


def expect(name, reply, key=None, code=None):
    if key is not None and key in reply:
        print("accepted " + name)
        return
    error = reply.get("error_response", {})
    if code is not None and error.get("code") == code:
        print("rejected %s with %d %s" % (name, code, error.get("sub_code", "")))
        return
    print("UNEXPECTED %s: %s" % (name, json.dumps(reply)[:300]))
    sys.exit(1)


def main():
    endpoint, app_key, secret = sys.argv[1:4]
    # 1. md5, GMT+8 text timestamp, a POSTed form (what the Node SDK sends).
    params = system(app_key, "taobao.time.get", "md5", gmt8_now())
    params["sign"] = sign(params, secret, "md5")
    expect("md5 POST", call(endpoint, params, "post"), key="time_get_response")
    # 2. hmac-sha256, epoch-milliseconds timestamp (the Python SDK's), every param in a GET query.
    params = system(app_key, "taobao.time.get", "hmac-sha256", str(int(time.time() * 1000)))
    params["sign"] = sign(params, secret, "hmac-sha256")
    expect("hmac-sha256 GET", call(endpoint, params, "get"), key="time_get_response")
    # 3. A wrong sign: TOP's code 25.
    params = system(app_key, "taobao.time.get", "md5", gmt8_now())
    params["sign"] = sign(params, "not-the-secret", "md5")
    expect("a wrong sign", call(endpoint, params, "post"), code=25)
    # 4. An unknown app key: code 29.
    params = system("87654321", "taobao.time.get", "md5", gmt8_now())
    params["sign"] = sign(params, secret, "md5")
    expect("an unknown app", call(endpoint, params, "post"), code=29)
    # 5. A required business param missing: code 40 (taobao.trade.memo.add needs tid, memo and
    #    a session).
    params = system(app_key, "taobao.trade.memo.add", "md5", gmt8_now())
    params["session"] = "a-test-session"
    params["tid"] = "2231958349"
    params["sign"] = sign(params, secret, "md5")
    expect("a missing param", call(endpoint, params, "post"), code=40)


if __name__ == "__main__":
    main()
