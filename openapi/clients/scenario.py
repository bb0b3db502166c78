"""An integrator's first session with the generated Python client, against a live server: token
auth, contacts with pagination, a template previewed for a contact, a media upload, and a contact
import followed to the end.

Usage: ULAK_URL=http://127.0.0.1:8080 ULAK_TOKEN=ulak_… ULAK_WS=… python3 openapi/clients/scenario.py
(with openapi/clients/python on PYTHONPATH or installed).
"""

import base64
import io
import os
import pathlib
import re
import time

from ulak_client import AuthenticatedClient
from ulak_client.api.auth import me
from ulak_client.api.contacts import contacts_create, contacts_list
from ulak_client.api.imports import imports_get_one, start
from ulak_client.api.media import upload
from ulak_client.api.plugins import list_in_workspace
from ulak_client.api.templates import preview, templates_create
from ulak_client.models import (
    ContactInput,
    Gender,
    ImportForm,
    ImportStatus,
    PreviewRequest,
    TemplateInput,
    UploadForm,
)
from ulak_client.types import File

BASE = os.environ.get("ULAK_URL", "http://127.0.0.1:8080")
TOKEN = os.environ["ULAK_TOKEN"]
WS = os.environ["ULAK_WS"]
FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "plugins" / "fixtures"

client = AuthenticatedClient(base_url=BASE, token=TOKEN, raise_on_unexpected_status=True)

response = me.sync_detailed(client=client)
assert response.status_code == 200, response.content

# Contacts, and pages of two.
people = [
    ContactInput(phone="0532 111 22 33", first_name="Ayşe", last_name="Yılmaz", gender=Gender.FEMALE),
    ContactInput(phone="+90 533 444 55 66", first_name="Çağlar", last_name="Öztürk", gender=Gender.MALE),
    ContactInput(phone="05447778899", first_name="İlkay", tags=["vip"]),
]
for person in people:
    created = contacts_create.sync_detailed(WS, client=client, body=person)
    assert created.status_code == 201, created.content
duplicate = contacts_create.sync_detailed(WS, client=client, body=ContactInput(phone="05321112233"))
assert duplicate.status_code == 409
assert duplicate.parsed.code == "contact_exists"
seen, cursor = [], None
while True:
    kwargs = {"limit": 2}
    if cursor:
        kwargs["cursor"] = cursor
    page = contacts_list.sync_detailed(WS, client=client, **kwargs)
    assert page.status_code == 200, page.content
    seen += [item.id for item in page.parsed.items]
    cursor = page.parsed.next_cursor
    if not cursor:
        break
assert seen == ["905321112233", "905334445566", "905447778899"], seen

# A template, previewed for a stored contact.
template = templates_create.sync_detailed(
    WS,
    client=client,
    body=TemplateInput(name="Sipariş", body="%sayın%, siparişiniz %tarih:d MMMM% tarihinde hazır."),
)
assert template.status_code == 201, template.content
shown = preview.sync_detailed(WS, template.parsed.id, client=client, body=PreviewRequest(contact_id="905321112233"))
assert shown.status_code == 200, shown.content
assert re.fullmatch(r"Sayın Ayşe Hanım, siparişiniz \d+ \S+ tarihinde hazır\.", shown.parsed.text), shown.parsed.text
broken = templates_create.sync_detailed(WS, client=client, body=TemplateInput(name="Bozuk", body="Merhaba %olmayan%"))
assert broken.status_code == 422
assert broken.parsed.code == "invalid_template"

# A media upload (a 1×1 PNG).
png = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
media = upload.sync_detailed(
    WS, client=client, body=UploadForm(file=File(payload=io.BytesIO(png), file_name="nokta.png", mime_type="image/png"))
)
assert media.status_code == 201, media.content
assert media.parsed.kind.value == "image"

# A contact import, followed until it ends.
csv = (FIXTURES / "contacts.csv").read_bytes()
started = start.sync_detailed(
    WS,
    client=client,
    body=ImportForm(file=File(payload=io.BytesIO(csv), file_name="contacts.csv"), options='{"tags": ["python"]}'),
)
assert started.status_code == 202, started.content
job = started.parsed
for _ in range(200):
    if job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        break
    time.sleep(0.1)
    polled = imports_get_one.sync_detailed(WS, job.id, client=client)
    assert polled.status_code == 200, polled.content
    job = polled.parsed
assert job.status == ImportStatus.DONE, job
counts = job.counts
assert (counts.read, counts.created, counts.skipped, counts.failed) == (6, 3, 1, 2), counts

plugins = list_in_workspace.sync_detailed(WS, client=client)
assert plugins.status_code == 200
assert any(p.plugin.name == "csv-importer" for p in plugins.parsed.items)

print("python client scenario: ok")
