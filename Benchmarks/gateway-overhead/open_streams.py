"""Memory with many open streams: N streaming chats held open through a gateway to a slow upstream, then the
gateway's resident memory. Standard library only.

Usage: open_streams.py GATEWAY_URL MODEL PID [N]   → prints resident MB before, with N streams open, and after
"""
import asyncio
import json
import pathlib
import sys
import urllib.parse

url, model, pid = sys.argv[1], sys.argv[2], sys.argv[3]
count = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
target = urllib.parse.urlparse(url)


def rss_mb():
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def open_stream(opened):
    reader, writer = await asyncio.open_connection(target.hostname, target.port)
    body = json.dumps({"model": model, "messages": [{"role": "user", "content": "Tell me about ferries."}],
                       "max_tokens": 40, "stream": True}).encode()
    writer.write(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    await writer.drain()
    first = await reader.read(1024)
    if b" 200 " not in first.split(b"\r\n", 1)[0]:
        raise RuntimeError(first[:200])
    opened.append((reader, writer))


async def main():
    before = rss_mb()
    opened = []
    await asyncio.gather(*(open_stream(opened) for _ in range(count)))
    await asyncio.sleep(1)
    during = rss_mb()
    for _, writer in opened:
        writer.close()
    await asyncio.sleep(2)
    print(json.dumps({"streams": len(opened), "rss_mb_before": round(before, 1), "rss_mb_with_streams_open": round(during, 1),
                      "rss_mb_after_close": round(rss_mb(), 1)}))


asyncio.run(main())
