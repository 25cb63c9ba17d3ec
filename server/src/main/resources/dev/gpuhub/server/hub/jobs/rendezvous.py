"""gpuhub's rendezvous tunnel for a training job's replicas (Python 3.8+, standard library only).

The job's ranks meet at MASTER_ADDR:MASTER_PORT = 127.0.0.1:<local port> in their own containers;
this program carries those connections between nodes over TLS that only the job's own replicas can
speak: both ends present the job's certificate and accept only a certificate of the job's own
authority, made for this start of this job (the files next to this program). Nobody else on the
network, other users' workloads included, reaches rank 0's rendezvous.

    rendezvous.py serve PUBLIC_PORT LOCAL_PORT -- COMMAND...
        rank 0: accepts the other ranks on PUBLIC_PORT (published on the node's address) and
        carries each connection to 127.0.0.1:LOCAL_PORT, where the job's own program listens.
    rendezvous.py connect LOCAL_PORT MASTER_ADDRESS PUBLIC_PORT -- COMMAND...
        the other ranks: accepts the job's program on 127.0.0.1:LOCAL_PORT and carries each
        connection to rank 0's tunnel at MASTER_ADDRESS:PUBLIC_PORT.

The listening socket is open before COMMAND starts; the tunnel then runs in a child process and
COMMAND replaces this one (so it keeps the container's process id and exit status).
"""
import asyncio
import os
import socket
import ssl
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
AUTHORITY = os.path.join(HERE, "rendezvous-ca.crt")
CERTIFICATE = os.path.join(HERE, "rendezvous.crt")
KEY = os.path.join(HERE, "rendezvous.key")
# how long a connection waits for the far end to listen (rank 0's program, or rank 0's tunnel)
CONNECT_SECONDS = 120
CHUNK = 65536


def log(message):
    print("[gpuhub rendezvous] %s" % message, file=sys.stderr, flush=True)


def tls(server_side):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if server_side else ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(CERTIFICATE, KEY)
    context.load_verify_locations(AUTHORITY)  # the job's own authority, nothing else
    context.verify_mode = ssl.CERT_REQUIRED
    if not server_side:
        context.check_hostname = False  # the peer is pinned by the authority; addresses change between starts
    return context


def listener(host, port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


async def pipe(reader, writer):
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (OSError, ssl.SSLError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def open_with_retry(host, port, context, peer):
    deadline = asyncio.get_running_loop().time() + CONNECT_SECONDS
    while True:
        try:
            if context is None:
                return await asyncio.open_connection(host, port)
            return await asyncio.open_connection(host, port, ssl=context, server_hostname=host)
        except ssl.SSLError as e:
            raise ConnectionError("%s refused the job's certificate or showed another: %s" % (peer, e))
        except OSError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.2)


def carrier(host, port, context, peer):
    async def carry(reader, writer):
        try:
            far_reader, far_writer = await open_with_retry(host, port, context, peer)
        except (OSError, ConnectionError) as e:
            log("cannot reach %s: %s" % (peer, e))
            writer.close()
            return
        await asyncio.gather(pipe(reader, far_writer), pipe(far_reader, writer))
    return carry


def quiet_handshake_failures(loop, context):
    error = context.get("exception")
    if isinstance(error, (ssl.SSLError, ConnectionError)):
        log("refused a connection: %s" % error)  # someone without the job's certificate
    else:
        loop.default_exception_handler(context)


async def until_orphaned(parent):
    while os.getppid() == parent:  # the job's program ended (the container goes with it, a bare process not)
        await asyncio.sleep(1)


async def run(sock, server_context, handler, parent):
    asyncio.get_running_loop().set_exception_handler(quiet_handshake_failures)
    server = await asyncio.start_server(handler, sock=sock, ssl=server_context)
    async with server:
        await until_orphaned(parent)


def main(argv):
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        sys.exit("usage: rendezvous.py serve PUBLIC LOCAL -- COMMAND... | connect LOCAL ADDRESS PUBLIC -- COMMAND...")
    split = argv.index("--")
    mode, args, command = argv[0], argv[1:split], argv[split + 1:]
    if mode == "serve" and len(args) == 2:
        public, local = int(args[0]), int(args[1])
        sock, server_context = listener("0.0.0.0", public), tls(True)
        handler = carrier("127.0.0.1", local, None, "the job's program on port %d" % local)
    elif mode == "connect" and len(args) == 3:
        local, address, public = int(args[0]), args[1], int(args[2])
        sock, server_context = listener("127.0.0.1", local), None
        handler = carrier(address, public, tls(False), "rank 0's tunnel at %s:%d" % (address, public))
    else:
        sys.exit("rendezvous.py: unknown mode or arguments: %s" % " ".join(argv[:split]))
    parent = os.getpid()
    if os.fork() == 0:
        try:
            asyncio.run(run(sock, server_context, handler, parent))
        finally:
            os._exit(1)
    sock.close()
    try:
        os.execvp(command[0], command)
    except OSError as e:
        sys.exit("rendezvous.py: cannot run %s: %s" % (command[0], e))


if __name__ == "__main__":
    main(sys.argv[1:])
