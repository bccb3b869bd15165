"""Test SMTP server for Socme.Notify.Tests (aiosmtpd, Debian python3-aiosmtpd).

Listens on 127.0.0.1 on a port the OS chooses, writes every accepted message to <dir>/NNNN.eml before answering 250,
prints "READY <port>" once listening. A recipient whose local part is "reject<code>" (reject451, reject550) is refused
with that code.

  smtp_server.py --dir DIR --mode plain|starttls|tls [--cert PEM --key PEM] [--user U --password P]
"""
import argparse
import asyncio
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split('@')[0]
        if local.startswith('reject') and local[6:].isdigit():
            code = local[6:]
            return f'{code} {code[0]}.0.0 rejected by the test server'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.outdir, f'{self.count:04d}.eml')
        with open(path + '.tmp', 'wb') as f:
            f.write(envelope.original_content or envelope.content)
        os.replace(path + '.tmp', path)
        return '250 Message accepted'


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == self.user and auth_data.password == self.password
        return AuthResult(success=ok, handled=False)


async def main():
    p = argparse.ArgumentParser()
    p.add_argument('--dir', required=True)
    p.add_argument('--mode', choices=['plain', 'starttls', 'tls'], default='plain')
    p.add_argument('--cert')
    p.add_argument('--key')
    p.add_argument('--user')
    p.add_argument('--password')
    args = p.parse_args()

    context = None
    if args.mode != 'plain':
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    auth = Authenticator(args.user, args.password) if args.user else None
    handler = Handler(args.dir)

    def factory():
        if args.mode == 'starttls':
            return SMTP(handler, hostname='socme-test', tls_context=context, require_starttls=True,
                        authenticator=auth, auth_required=auth is not None)
        if args.mode == 'tls':
            # Implicit TLS: the whole connection is encrypted, so AUTH is offered without STARTTLS.
            return SMTP(handler, hostname='socme-test', authenticator=auth, auth_required=auth is not None,
                        auth_require_tls=False)
        return SMTP(handler, hostname='socme-test')

    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, '127.0.0.1', 0, ssl=context if args.mode == 'tls' else None)
    port = server.sockets[0].getsockname()[1]
    print(f'READY {port}', flush=True)
    # Exit when the test closes our stdin (or kills us).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == '__main__':
    asyncio.run(main())
