#!/usr/bin/env python3
"""tests/hostile/server.py MODE: a hostile "workspace" on 127.0.0.1 for the
tests in tests/hostile/. Prints 'listening on http://127.0.0.1:PORT' first.
Every /api call gets the MODE's answer:
  badjson     200 with a body that is not JSON
  html        500 with an HTML error page (a proxy in the way)
  truncated   200 announcing 5000 bytes, sending 60, closing
  error200    200 whose body is a Databricks error (error_code)
  huge        200 announcing 400 MB (Content-Length), then streaming
  hugechunked 200 streaming 64 MB, chunked, no length announced
  hang        accepts, reads the request, never answers
  paths       a workspace whose listing has hostile paths (.., NUL, a
              4,000-character name, a Unicode NFC/NFD pair)
  nul         jobs and clusters with "\\u0000" in a name, an object key
              and a spark_conf value, beside clean ones"""
import base64, json, socket, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

MODE = sys.argv[1]
LONG = "/Shared/" + "x" * 4000
PATHS = {
    "/Shared/../../../../tmp/dbxmig-hostile-escape": "dotdot",
    "/Shared/nul\u0000byte": "nul",
    LONG: "long",
    "/Shared/caf\u00e9": "content-nfc",
    "/Shared/cafe\u0301": "content-nfd",
    "/Shared/..": "just-dotdot",
}
NUL_JOBS = [
    {"job_id": 1, "settings": {"name": "plain", "max_concurrent_runs": 1}},
    {"job_id": 2, "settings": {"name": "nul\u0000name", "max_concurrent_runs": 1}},
    {"job_id": 3, "settings": {"name": "tagged", "tags": {"k\u0000ey": "v"}}},
]
NUL_CLUSTERS = [
    {"cluster_id": "0101-ok", "cluster_name": "ok", "spark_version": "14.3.x-scala2.12",
     "node_type_id": "i3.xlarge", "num_workers": 1, "spark_conf": {"spark.a": "1"}},
    {"cluster_id": "0101-conf", "cluster_name": "conf", "spark_version": "14.3.x-scala2.12",
     "node_type_id": "i3.xlarge", "num_workers": 1, "spark_conf": {"spark.x": "a\u0000b"}},
]


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, body, ctype="application/json", length=None):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        self.do_GET()

    def do_GET(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        u = urlparse(self.path)
        q = parse_qs(u.query)
        if MODE == "badjson":
            return self.send(200, '{"clusters": [ {"cluster_id": "a", ')
        if MODE == "html":
            return self.send(500, "<html><head><title>502 Bad Gateway</title></head><body>"
                             "<h1>Bad Gateway</h1><p>upstream went away</p></body></html>", "text/html")
        if MODE == "truncated":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b'{"clusters": [{"cluster_id": "0101-abc", "cluster_name": "tr')
            self.wfile.flush()
            self.close_connection = True
            return
        if MODE == "error200":
            return self.send(200, json.dumps({"error_code": "INTERNAL_ERROR",
                                              "message": "the service says no, with a 200"}))
        if MODE in ("huge", "hugechunked"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if MODE == "huge":
                self.send_header("Content-Length", str(400 << 20))
            else:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b" " * 65536
            try:
                head = b'{"clusters": ['
                self.wfile.write(b"%x\r\n%s\r\n" % (len(head), head) if MODE == "hugechunked" else head)
                for _ in range(1024):
                    if MODE == "hugechunked":
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    else:
                        self.wfile.write(chunk)
            except OSError:
                pass
            self.close_connection = True
            return
        if MODE == "hang":
            time.sleep(3600)
            return
        if MODE == "nul":
            if u.path.endswith("/jobs/list"):
                return self.send(200, json.dumps({"jobs": NUL_JOBS, "has_more": False}))
            if u.path.endswith("/jobs/get"):
                j = [j for j in NUL_JOBS if str(j["job_id"]) == q.get("job_id", [""])[0]]
                return self.send(200, json.dumps(j[0])) if j else self.send(404, json.dumps(
                    {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "no such job"}))
            if u.path.endswith("/clusters/list"):
                return self.send(200, json.dumps({"clusters": NUL_CLUSTERS}))
            if u.path.endswith("/clusters/get"):
                c = [c for c in NUL_CLUSTERS if c["cluster_id"] == q.get("cluster_id", [""])[0]]
                return self.send(200, json.dumps(c[0])) if c else self.send(404, json.dumps(
                    {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "no such cluster"}))
            if u.path.startswith("/api/2.0/permissions/"):
                return self.send(200, json.dumps({"access_control_list": []}))
            return self.send(200, "{}")
        # paths
        if u.path == "/api/2.0/workspace/list":
            p = q.get("path", ["/"])[0]
            if p == "/":
                objs = [{"path": "/Shared", "object_type": "DIRECTORY", "object_id": 999}]
            elif p == "/Shared":
                objs = [{"path": k, "object_type": "NOTEBOOK", "language": "PYTHON", "object_id": 1000 + i}
                        for i, k in enumerate(PATHS)]
            else:
                return self.send(200, "{}")
            return self.send(200, json.dumps({"objects": objs}))
        if u.path == "/api/2.0/workspace/export":
            p = q.get("path", [""])[0]
            c = PATHS.get(p)
            if c is None:
                return self.send(404, json.dumps({"error_code": "RESOURCE_DOES_NOT_EXIST",
                                                  "message": "no such path"}))
            return self.send(200, json.dumps({"content": base64.b64encode(c.encode()).decode(),
                                              "file_type": "py"}))
        if u.path == "/api/2.0/workspace/get-status":
            p = q.get("path", [""])[0]
            return self.send(200, json.dumps({"path": p, "object_type": "NOTEBOOK", "object_id": 1}))
        if u.path.startswith("/api/2.0/permissions/"):
            return self.send(200, json.dumps({"access_control_list": []}))
        return self.send(200, "{}")


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
print("listening on http://127.0.0.1:%d" % srv.server_address[1], flush=True)
srv.serve_forever()
