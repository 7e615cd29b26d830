"""Signing in process with python-xmlsec instead of one xmlsec1 process per signature.

pysaml2's default backend writes each statement to a temporary file and runs
the xmlsec1 program on it (tens of milliseconds per signature here). This
replaces ONLY that signing step: pysaml2 still builds the same signature
template (RSA-SHA256, SHA-256, exclusive c14n, enveloped) and every signature
we *verify* still goes through pysaml2 and xmlsec1 unchanged, so verification
is exactly as strict as before. Chosen with CONNECT_SAML_SIGNING_BACKEND.
"""

from __future__ import annotations

import threading
from typing import Any

DS = "http://www.w3.org/2000/09/xmldsig#"

_keys: dict[str, Any] = {}
_lock = threading.Lock()


def _key(key_file: str) -> Any:
    import xmlsec

    with _lock:
        key = _keys.get(key_file)
        if key is None:
            key = xmlsec.Key.from_file(key_file, xmlsec.constants.KeyDataFormatPem)
            _keys[key_file] = key
    return key


def sign_statement_in_process(statement: Any, node_name: str, key_file: str, node_id: str | None) -> str:
    """Same contract as pysaml2's CryptoBackendXmlSec1.sign_statement: fill in the
    ds:Signature template of the element ``node_name`` with ID ``node_id``."""
    import xmlsec
    from lxml import etree  # type: ignore[import-untyped]

    if isinstance(statement, bytes):
        raw = statement
    else:  # a str, or a pysaml2 SamlBase whose str() is its XML
        raw = (statement if isinstance(statement, str) else str(statement)).encode("utf-8")
    # Our own, just-built XML; still parsed without entities or network.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(raw, parser=parser)
    namespace, _sep, local = node_name.rpartition(":")
    candidates = [n for n in root.iter(f"{{{namespace}}}{local}") if not node_id or n.get("ID") == node_id]
    if len(candidates) != 1:
        raise ValueError(f"expected one {local} to sign, found {len(candidates)}")
    signature = candidates[0].find(f"{{{DS}}}Signature")
    if signature is None:
        raise ValueError(f"{local} has no signature template")
    xmlsec.tree.add_ids(root, ["ID"])
    context = xmlsec.SignatureContext()
    context.key = _key(key_file)
    context.sign(signature)
    return str(etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8"))


def install(server: Any, backend: str) -> None:
    """Point the server's signing (not its verification) at python-xmlsec."""
    if backend == "python-xmlsec":
        server.sec.crypto.sign_statement = sign_statement_in_process
