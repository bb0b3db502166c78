// handlebars.js baseline for bench/render.sh: the same template and the same generated contacts.
const Handlebars = require('handlebars');

const FIRST = ['Ayşe', 'Mehmet', 'Zeynep', 'Ahmet', 'Elif', 'Mustafa', 'Fatma', 'Emre'];
const LAST = ['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Yıldız', 'Aydın', 'Öztürk'];
const CITY = ['İstanbul', 'Ankara', 'İzmir', 'Bursa'];
const BODY = 'Merhaba {{ad}} {{soyad}}, {{#if sehir}}{{sehir}}{{else}}Türkiye{{/if}} mağazamızda kodunuz: {{kampanya_kodu}}.';

const n = Number(process.argv[2] || 100000);
const people = [];
for (let i = 0; i < n; i++) {
  const person = { ad: FIRST[i % 8], soyad: LAST[Math.floor(i / 8) % 8], kampanya_kodu: 'KASIM50' };
  if (i % 2 === 0) person.sehir = CITY[i % 4];
  people.push(person);
}
const template = Handlebars.compile(BODY, { noEscape: true });
let best = Infinity;
let checksum = 0;
for (let run = 0; run < 5; run++) {
  const started = process.hrtime.bigint();
  checksum = 0;
  for (const person of people) checksum += Buffer.byteLength(template(person));
  best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
}
const label = `node handlebars ${Handlebars.VERSION}`;
console.log(`${label.padEnd(21)}${(n / best).toFixed(0).padStart(12)} renders/s   (${n} contacts in ${(best * 1000).toFixed(1)} ms, bytes ${checksum})`);
console.log('  sample:', template(people[1]));
