// The peer of the throughput bench (bench/src/bin/throughput.rs): node-taobao-topclient, as
// published on the npm registry, calling taobao.wdk.iot.wombat.common.gettoken on the local
// gateway with CONCURRENCY calls in flight, for WARMUP seconds and then SECONDS measured.
//
//   NODE_PATH=target/npm/node_modules node bench/peer/peer.js ENDPOINT SECONDS WARMUP CONCURRENCY APP_KEY SECRET
//
// Prints one JSON line: round trips completed in the measured window (`calls`), how many
// got the gettoken response (`ok`), how many got anything else (`refused`: a TOP error, or a
// reply without `<name>_response`), how many failed without a reply (`other_errors`), the
// first refusal or failure, the window's length and the CPU time node used in it.
//
// This client sends every param, `format=json` and `sign` included, in the form body, which
// TOP (and the gateway) accept. It formats the timestamp in the host's time zone instead of
// GMT+8 (its known bug), so the benchmark's gateway allows a day of skew (throughput.rs,
// PEER_SKEW). The benchmark stops with an error if any call is refused (`refused` > 0) or
// fails (`other_errors` > 0): only calls that got the response are counted.
'use strict';

const [endpoint, seconds, warmup, concurrency, appkey, appsecret] = process.argv.slice(2);
if (!appsecret) {
  console.error('usage: peer.js ENDPOINT SECONDS WARMUP CONCURRENCY APP_KEY SECRET');
  process.exit(2);
}
const TopClient = require('node-taobao-topclient').default;
const client = new TopClient({ appkey, appsecret, REST_URL: endpoint });
const params = { merchant_code: 'HM', scenes_code: 1, ou_code: '8007', robot_sn: 'xxxxx' };

async function window(secs) {
  const until = Date.now() + secs * 1000;
  const counts = { calls: 0, ok: 0, refused: 0, other_errors: 0, first_error: null };
  async function loop() {
    while (Date.now() < until) {
      try {
        // `execute` adds `method` to the params object it is given: a fresh one each call.
        const r = await client.execute('taobao.wdk.iot.wombat.common.gettoken', { ...params });
        counts.calls++;
        if (r && r.result) {
          counts.ok++;
        } else {
          counts.refused++;
          if (!counts.first_error) counts.first_error = `a reply without the response: ${JSON.stringify(r)}`;
        }
      } catch (e) {
        if (e && e.name === 'TOPClientError') {
          counts.calls++;
          counts.refused++;
          if (!counts.first_error) counts.first_error = `TOP error ${e.code} ${e.sub_code}`;
        } else {
          counts.other_errors++;
          if (!counts.first_error) counts.first_error = String(e);
        }
      }
    }
  }
  await Promise.all(Array.from({ length: Number(concurrency) }, loop));
  return counts;
}

(async () => {
  await window(Number(warmup));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const counts = await window(Number(seconds));
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({
    ...counts,
    seconds: elapsed,
    cpu_ms: (cpu.user + cpu.system) / 1000,
  }));
})().catch((e) => {
  console.error(String(e && e.stack || e));
  process.exit(1);
});
