"""A TOP client in plain Python (standard library only), for tests/serve.rs: it signs and sends
calls to a running `topgen-gateway serve` the way Taobao's SDKs do, and checks the answers.

    python3 client.py ENDPOINT APP_KEY SECRET [CONTROL_URL [tmc]]

With CONTROL_URL (the `control:` line the program prints), it also drives the control API:
faults for the next calls, a replaced reply, the recorded requests, and (with `tmc`) a TMC
message. Prints one line per check and exits 1 on the first answer that is not the expected
one.
"""

import datetime
import hashlib
import hmac
import json
import sys
import time
import urllib.error
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


def control(base, verb, path, body=None):
    """A control API request; its HTTP status and JSON answer (4xx included)."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(base + path, data=data, method=verb)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read().decode("utf-8"))


def check(name, condition, shown):
    if condition:
        print(name)
        return
    print("UNEXPECTED %s: %s" % (name, json.dumps(shown)[:300]))
    sys.exit(1)


def time_get(endpoint, app_key, secret):
    params = system(app_key, "taobao.time.get", "md5", gmt8_now())
    params["sign"] = sign(params, secret, "md5")
    return call(endpoint, params, "post")


def drive_control(endpoint, app_key, secret, base, tmc):
    # 6. A fault for one API: its next call gets TOP's isp error.
    status, answer = control(base, "POST", "/faults",
                             {"fault": {"kind": "isp_error"}, "api": "taobao.time.get"})
    check("queued a fault for taobao.time.get", status == 200 and answer["pending"] == 1, answer)
    expect("the queued fault", time_get(endpoint, app_key, secret), code=15)
    # 7. A replaced reply, then the spec's reply again.
    status, answer = control(base, "PUT", "/replies/taobao.time.get",
                             {"response": {"time": "2000-01-02 03:04:05"}})
    check("replaced the reply of taobao.time.get", status == 200, answer)
    reply = time_get(endpoint, app_key, secret)
    check("got the replaced reply",
          reply.get("time_get_response", {}).get("time") == "2000-01-02 03:04:05", reply)
    status, answer = control(base, "DELETE", "/replies/taobao.time.get")
    check("restored the reply", status == 200 and answer["restored"] == "taobao.time.get", answer)
    # 8. The record: every call so far, the session hidden.
    status, answer = control(base, "GET", "/requests")
    verdicts = [r["verdict"] for r in answer["requests"]]
    check("recorded 7 requests", status == 200 and answer["count"] == 7
          and verdicts == ["ok", "ok", "rejected", "rejected", "rejected", "ok", "ok"], answer)
    shown = json.dumps(answer["requests"][4])
    check("the session is hidden in the record", "a-test-session" not in shown and
          ["session", "***"] in answer["requests"][4]["body"] + answer["requests"][4]["query"],
          answer["requests"][4])
    # 9. Faults for every API, counted, then cleared.
    status, answer = control(base, "POST", "/faults",
                             {"fault": {"kind": "http", "status": 503}, "count": 2})
    check("queued two HTTP 503s", status == 200 and answer["pending"] == 2, answer)
    status, answer = control(base, "DELETE", "/faults")
    status, answer = control(base, "GET", "/faults")
    check("cleared the faults", status == 200 and answer["pending"] == 0, answer)
    # 10. A bad control request: a clear refusal that names the field.
    status, answer = control(base, "POST", "/faults", {"fault": {"kind": "delay", "ms": "5"}})
    check("refused a bad fault with 400", status == 400 and "`fault.ms`" in answer["error"], answer)
    # 11. A TMC message for the consumers of the group `default`.
    if tmc:
        status, answer = control(base, "POST", "/tmc/messages",
                                 {"topic": "taobao_trade_TradeCreate",
                                  "content": {"tid": 58681907060570486}})
        check("queued a TMC message", status == 200 and answer["id_text"] == "9007199254740993",
              answer)
        status, answer = control(base, "GET", "/tmc")
        check("the TMC message is pending", answer["pending"] == {"default": 1}, answer)
    # 12. The OAuth code of --auth-code becomes a session, once; then the session works.
    params = system(app_key, "taobao.top.auth.token.create", "md5", gmt8_now())
    params["code"] = "serve-test-code"
    params["sign"] = sign(params, secret, "md5")
    reply = call(endpoint, params, "post")
    result = json.loads(reply.get("top_auth_token_create_response", {}).get("token_result", "{}"))
    check("the auth code became a session", result.get("taobao_user_nick") == "tester"
          and str(result.get("taobao_user_id")) == "2200000001" and "access_token" in result, reply)
    params = system(app_key, "taobao.trade.fullinfo.get", "md5", gmt8_now())
    params["session"] = result["access_token"]
    params["tid"] = "2231958349"
    params["fields"] = "tid"
    params["sign"] = sign(params, secret, "md5")
    expect("a call with the issued session", call(endpoint, params, "post"),
           key="trade_fullinfo_get_response")


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
    if len(sys.argv) > 4:
        drive_control(endpoint, app_key, secret, sys.argv[4], sys.argv[5:] == ["tmc"])


if __name__ == "__main__":
    main()
