// node export.js cao | holiday_jp | computed FROM TO  ->  sorted "YYYY-MM-DD,name" lines
// Names follow the Cabinet Office CSV: substitute and sandwiched days are "休日".
// (shared/spec/holidays.md §9; compare.sh diffs these against mynacert's holiday_dump.)
const path = require('path'), fs = require('fs');
const pad = n => String(n).padStart(2, '0');
const [mode, from, to] = [process.argv[2], +process.argv[3], +process.argv[4]];
let rows = [];
if (mode === 'cao') {          // Cabinet Office syukujitsu.csv, converted to UTF-8 by the package
  const csv = path.join(__dirname, 'node_modules/japanese-public-holidays/index.csv');
  rows = fs.readFileSync(csv, 'utf8').trim().split('\n').slice(1);
} else if (mode === 'holiday_jp') {   // holiday_jp dataset, 1970..2050
  const h = require('@holiday-jp/holiday_jp').holidays;
  rows = Object.keys(h).map(k => k + ',' + h[k].name.replace(/^.* 振替休日$/, '休日'));
} else if (mode === 'computed') {     // japanese-holidays: computed from the rules, any year
  if (!(from <= to)) { console.error('computed needs FROM TO'); process.exit(2); }
  const JH = require('japanese-holidays');
  for (let y = from; y <= to; y++)
    for (const h of JH.getHolidaysOf(y))
      rows.push(`${y}-${pad(h.month)}-${pad(h.date)},` +
                (h.name === '振替休日' || h.name === '国民の休日' ? '休日' : h.name));
} else { console.error('mode: cao | holiday_jp | computed FROM TO'); process.exit(2); }
process.stdout.write(rows.sort().join('\n') + '\n');
