"""python -m echoserv --port N: echo lines back on 127.0.0.1."""
import argparse
import socketserver


class Echo(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            self.wfile.write(line)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=7007)
    args = parser.parse_args()
    with socketserver.TCPServer(("127.0.0.1", args.port), Echo) as server:
        print("ready", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
