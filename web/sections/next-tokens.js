// Section 4's table: the demo model's ten likeliest next tokens for the last output row, as the package's
// demo.nextTokens() ranks them. Not the scoring (the worker asks the package).
import { $ } from '../dom.js';
import { fmt } from '../draw.js';
import { label } from '../page.js';
import { S } from '../strings.js';

export function renderNextTokens(list) {
  const table = $('next-token');
  table.textContent = '';
  const header = table.insertRow();
  for (const name of S.heads.nextColumns) header.append(Object.assign(document.createElement('th'), { textContent: name }));
  (list || []).forEach((n, r) => {
    const tr = document.createElement('tr');
    for (const v of [r + 1, label({ text: n.text }), n.id, fmt(n.logit), fmt(n.prob)]) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.append(td);
    }
    table.append(tr);
  });
}
