"""Jinja2 baseline for bench/render.sh: the same template and the same generated contacts."""
import sys
import time

import jinja2

FIRST = ["Ayşe", "Mehmet", "Zeynep", "Ahmet", "Elif", "Mustafa", "Fatma", "Emre"]
LAST = ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk"]
CITY = ["İstanbul", "Ankara", "İzmir", "Bursa"]
BODY = "Merhaba {{ ad }} {{ soyad }}, {{ sehir or 'Türkiye' }} mağazamızda kodunuz: {{ kampanya_kodu }}."

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
people = []
for i in range(n):
    person = {"ad": FIRST[i % 8], "soyad": LAST[(i // 8) % 8], "kampanya_kodu": "KASIM50"}
    if i % 2 == 0:
        person["sehir"] = CITY[i % 4]
    people.append(person)
template = jinja2.Environment(autoescape=False).from_string(BODY)
best = float("inf")
for _ in range(5):
    started = time.perf_counter()
    checksum = 0
    for person in people:
        checksum += len(template.render(person).encode())
    best = min(best, time.perf_counter() - started)
print(f"python jinja2 {jinja2.__version__:<7}{n / best:>12.0f} renders/s   ({n} contacts in {best * 1000:.1f} ms, bytes {checksum})")
print("  sample:", template.render(people[1]))
