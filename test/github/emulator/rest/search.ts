/**
 * Issue search (`/search/issues?q=`), as far as the sync uses it: free words or "quoted phrases" looked
 * up in title and body (narrowed by `in:title` / `in:body`), with `repo:`, `org:`, `is:`, `state:`,
 * `label:`, `type:` and `no:` qualifiers. Unknown qualifiers are ignored, as GitHub does.
 */
import { needs } from '../auth.js';
import type { Issue } from '../state.js';
import { renderIssue } from './issues.js';
import { ok, page, type RestOperations } from './types.js';

interface Query {
  words: string[];
  filters: [string, string][];
  fields: Set<'title' | 'body'>;
}

export function parseQuery(q: string): Query {
  const out: Query = { words: [], filters: [], fields: new Set() };
  for (const m of q.matchAll(/(-?[\w.]+):("[^"]*"|\S+)|"([^"]*)"|(\S+)/g)) {
    const [, key, value, phrase, word] = m;
    if (key) {
      const v = value!.replace(/^"|"$/g, '');
      if (key === 'in')
        for (const f of v.split(','))
          if (f === 'title' || f === 'body') out.fields.add(f);
          else out.filters.push([key.toLowerCase(), v]);
    } else out.words.push((phrase ?? word)!.toLowerCase());
  }
  if (out.fields.size === 0) out.fields = new Set(['title', 'body']);
  return out;
}

function qualifies(i: Issue, [key, v]: [string, string]): boolean {
  const value = v.toLowerCase();
  const negate = key.startsWith('-');
  const k = negate ? key.slice(1) : key;
  const full = `${i.repo.owner.login}/${i.repo.name}`.toLowerCase();
  const hit = (() => {
    switch (k) {
      case 'repo':
        return full === value;
      case 'org':
      case 'user':
        return i.repo.owner.login.toLowerCase() === value;
      case 'is':
      case 'state':
        return value === 'issue' || value === i.state;
      case 'type':
        return value === 'issue' || i.type?.name.toLowerCase() === value;
      case 'label':
        return i.labels.some((l) => l.name.toLowerCase() === value);
      case 'milestone':
        return i.milestone?.title.toLowerCase() === value;
      case 'assignee':
        return i.assignees.some((a) => a.login.toLowerCase() === value);
      case 'no':
        return value === 'parent' ? i.parent === null : value === 'label' ? i.labels.length === 0 : true;
      default:
        return true;
    }
  })();
  return negate ? !hit : hit;
}

export const searchOperations: RestOperations = {
  'search/issues-and-pull-requests': {
    needs: needs('issues', 'read'),
    handle(r) {
      const q = parseQuery(r.query.q ?? '');
      const found = r.state.allIssues().filter((i) => {
        const text = [q.fields.has('title') ? i.title : '', q.fields.has('body') ? (i.body ?? '') : '']
          .join('\n')
          .toLowerCase();
        return q.words.every((w) => text.includes(w)) && q.filters.every((f) => qualifies(i, f));
      });
      found.sort((a, b) => b.id - a.id);
      const p = page(found, r);
      return ok(
        {
          total_count: found.length,
          incomplete_results: false,
          search_type: 'lexical',
          // A search hit's body is a string in GitHub's description, never null.
          items: p.items.map((i) => ({ ...renderIssue(r, i), body: i.body ?? '', score: 1 })),
        },
        200,
        p.headers,
      );
    },
  },
};
