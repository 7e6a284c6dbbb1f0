"""A throwaway OpenLDAP server (Debian's slapd) with its own configuration, certificate and
ports, filled with a small directory of Kreis Höxter: people, a service account, and groups
in groups (as Active Directory practice nests them)."""

from __future__ import annotations

import datetime
import ipaddress
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SLAPD = "/usr/sbin/slapd"
SUFFIX = "dc=kreis-hoexter,dc=de"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PW = "ldap-root-test-only"
SERVICE_DN = f"cn=coop,ou=services,{SUFFIX}"
SERVICE_PW = "coop-service-test-only"
PASSWORD = "Verzeichnis-Passwort-1"

PEOPLE = {
    # uid: (name, mail)
    "bmeier": ("Bernd Meier", "bernd.meier@kreis-hoexter.de"),
    "ckoch": ("Carla Koch", "carla.koch@brakel.de"),
    "dnull": ("Dieter Null", "dieter.null@kreis-hoexter.de"),
}
GROUPS = {
    # cn: members (people by uid, groups by cn)
    "it-abteilung": ["uid:bmeier"],
    "coop-koordination": ["cn:it-abteilung"],  # nested: Bernd is in it through it-abteilung
    "brakel-ikz": ["uid:ckoch"],
    "kantine": ["uid:dnull"],
}
GROUP_ROLES = "coop-koordination=coordinator@05762000; brakel-ikz=partner_editor@05762016"


def available() -> str | None:
    """Why slapd cannot run here, or None."""
    if not Path(SLAPD).exists():
        return "slapd (apt-get install slapd)"
    try:
        import ldap  # noqa: F401
    except ImportError:
        return "python-ldap"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _certificates(folder: Path) -> None:
    """A CA and a server certificate for 127.0.0.1 and localhost."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "coop test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    (folder / "ca.pem").write_bytes(ca.public_bytes(pem))
    (folder / "server.pem").write_bytes(cert.public_bytes(pem))
    (folder / "server.key").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


class TempSlapd:
    """slapd on two free ports of 127.0.0.1: ldap:// (STARTTLS) and ldaps://."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="coop-slapd-"))
        self.process: subprocess.Popen | None = None
        self.port = self.tls_port = 0

    @property
    def ca_file(self) -> str:
        return str(self.folder / "ca.pem")

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_url(self) -> str:
        return f"ldaps://127.0.0.1:{self.tls_port}"

    def start(self) -> None:
        _certificates(self.folder)
        (self.folder / "db").mkdir()
        schema = "/etc/ldap/schema"
        (self.folder / "slapd.conf").write_text(
            f"""include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {self.folder}/slapd.pid
TLSCACertificateFile {self.folder}/ca.pem
TLSCertificateFile {self.folder}/server.pem
TLSCertificateKeyFile {self.folder}/server.key
database mdb
maxsize 10485760
suffix "{SUFFIX}"
rootdn "{ROOT_DN}"
rootpw {ROOT_PW}
directory {self.folder}/db
access to attrs=userPassword by self =xw by anonymous auth by * none
access to * by dn.exact="{SERVICE_DN}" read by self read by * none
"""
        )
        self.port, self.tls_port = _free_port(), _free_port()
        self.process = subprocess.Popen(
            [
                SLAPD,
                "-f",
                str(self.folder / "slapd.conf"),
                "-h",
                f"ldap://127.0.0.1:{self.port}/ ldaps://127.0.0.1:{self.tls_port}/",
                "-d",
                "0",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd stopped: {self.process.stderr.read().decode()[-800:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        self._fill()

    def _fill(self) -> None:
        import ldap
        from ldap import modlist

        conn = ldap.initialize(self.url)
        conn.simple_bind_s(ROOT_DN, ROOT_PW)

        def add(dn: str, attrs: dict[str, list[str]]) -> None:
            conn.add_s(
                dn, modlist.addModlist({k: [v.encode() for v in vs] for k, vs in attrs.items()})
            )

        add(
            SUFFIX,
            {
                "objectClass": ["dcObject", "organization"],
                "dc": ["kreis-hoexter"],
                "o": ["Kreis Höxter"],
            },
        )
        for ou in ("people", "groups", "services"):
            add(f"ou={ou},{SUFFIX}", {"objectClass": ["organizationalUnit"], "ou": [ou]})
        add(
            SERVICE_DN,
            {
                "objectClass": ["person"],
                "cn": ["coop"],
                "sn": ["coop"],
                "userPassword": [SERVICE_PW],
            },
        )
        for uid, (name, mail) in PEOPLE.items():
            add(
                f"uid={uid},ou=people,{SUFFIX}",
                {
                    "objectClass": ["inetOrgPerson"],
                    "uid": [uid],
                    "cn": [name],
                    "sn": [name.split()[-1]],
                    "displayName": [name],
                    "mail": [mail],
                    "userPassword": [PASSWORD],
                },
            )
        for cn, members in GROUPS.items():
            dns = [
                f"uid={m[4:]},ou=people,{SUFFIX}"
                if m.startswith("uid:")
                else f"cn={m[3:]},ou=groups,{SUFFIX}"
                for m in members
            ]
            add(
                f"cn={cn},ou=groups,{SUFFIX}",
                {"objectClass": ["groupOfNames"], "cn": [cn], "member": dns},
            )
        conn.unbind_s()

    def config(self, **overrides) -> dict:
        """coop's settings for this directory (STARTTLS on the ldap:// port)."""
        settings = {
            "LDAP_URL": self.url,
            "LDAP_CA_FILE": self.ca_file,
            "LDAP_BIND_DN": SERVICE_DN,
            "LDAP_BIND_PASSWORD": SERVICE_PW,
            "LDAP_USER_BASE": f"ou=people,{SUFFIX}",
            "LDAP_GROUP_BASE": f"ou=groups,{SUFFIX}",
            "LDAP_TIMEOUT": 2,
            "SSO_GROUP_ROLES": GROUP_ROLES,
        }
        settings.update(overrides)
        return settings

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)
