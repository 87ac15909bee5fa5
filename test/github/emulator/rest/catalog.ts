/** Labels, milestones, organization issue types and the rate-limit status. */
import { needs } from '../auth.js';
import { invalid } from '../errors.js';
import { issueTypeJson, labelJson, milestoneJson } from './render.js';
import { ok, page, type RestOperations, type RestRequest } from './types.js';

const repoOf = (r: RestRequest) => r.state.repo(r.params.owner!, r.params.repo!);
const write = needs('issues', 'write');
const read = needs('issues', 'read');

export const catalogOperations: RestOperations = {
  'issues/create-label': {
    needs: write,
    handle(r) {
      const l = r.state.createLabel(repoOf(r), r.body.name, r.body.color, r.body.description ?? null);
      return ok(labelJson(l, r.urls), 201);
    },
  },
  'issues/list-labels-for-repo': {
    needs: read,
    handle(r) {
      const p = page(repoOf(r).labels, r);
      return ok(
        p.items.map((l) => labelJson(l, r.urls)),
        200,
        p.headers,
      );
    },
  },
  'issues/get-label': {
    needs: read,
    handle: (r) => ok(labelJson(r.state.label(repoOf(r), r.params.name!), r.urls)),
  },
  'issues/update-label': {
    needs: write,
    handle(r) {
      const repo = repoOf(r);
      const l = r.state.label(repo, r.params.name!);
      const { new_name: name, color, description } = r.body ?? {};
      if (
        name &&
        name.toLowerCase() !== l.name.toLowerCase() &&
        repo.labels.some((x) => x.name.toLowerCase() === name.toLowerCase())
      ) {
        throw invalid('Label', 'name', 'already_exists', 'already_exists');
      }
      const was = { name: l.name, color: l.color, description: l.description };
      if (name) l.name = name;
      if (color) l.color = String(color).replace(/^#/, '');
      if (description !== undefined) l.description = description;
      const changes = Object.fromEntries(
        (['name', 'color', 'description'] as const)
          .filter((k) => was[k] !== l[k])
          .map((k) => [k, { from: was[k] }]),
      );
      r.state.repoChanged('label', 'edited', repo, { label: labelJson(l, r.urls), changes });
      return ok(labelJson(l, r.urls));
    },
  },
  'issues/create-milestone': {
    needs: write,
    handle(r) {
      const { title, description, state, due_on: dueOn } = r.body;
      const m = r.state.createMilestone(repoOf(r), title, { description, state, dueOn });
      return ok(milestoneJson(m, r.urls), 201);
    },
  },
  'issues/list-milestones': {
    needs: read,
    handle(r) {
      const state = r.query.state ?? 'open';
      const all = repoOf(r).milestones.filter((m) => state === 'all' || m.state === state);
      const p = page(all, r);
      return ok(
        p.items.map((m) => milestoneJson(m, r.urls)),
        200,
        p.headers,
      );
    },
  },
  'issues/get-milestone': {
    needs: read,
    handle: (r) => ok(milestoneJson(r.state.milestone(repoOf(r), Number(r.params.milestone_number)), r.urls)),
  },
  'issues/update-milestone': {
    needs: write,
    handle(r) {
      const repo = repoOf(r);
      const m = r.state.milestone(repo, Number(r.params.milestone_number));
      const { title, description, state, due_on: dueOn } = r.body ?? {};
      if (title !== undefined && title !== m.title && repo.milestones.some((x) => x.title === title)) {
        throw invalid('Milestone', 'title', 'already_exists', 'already_exists');
      }
      const was = { title: m.title, description: m.description, state: m.state };
      if (title !== undefined) m.title = title;
      if (description !== undefined) m.description = description;
      if (dueOn !== undefined) m.dueOn = dueOn;
      if (state !== undefined && state !== m.state) {
        m.state = state;
        m.closedAt = state === 'closed' ? new Date().toISOString() : null;
      }
      m.updatedAt = new Date().toISOString();
      const changes = Object.fromEntries(
        (['title', 'description'] as const).filter((k) => was[k] !== m[k]).map((k) => [k, { from: was[k] }]),
      );
      const action = was.state === m.state ? 'edited' : m.state === 'closed' ? 'closed' : 'opened';
      r.state.repoChanged('milestone', action, repo, { milestone: milestoneJson(m, r.urls), changes });
      return ok(milestoneJson(m, r.urls));
    },
  },
  'orgs/list-issue-types': {
    needs: needs('issue_types', 'read'),
    handle: (r) => ok(r.state.org(r.params.org!).issueTypes.map(issueTypeJson)),
  },
  'orgs/create-issue-type': {
    needs: needs('issue_types', 'write'),
    handle(r) {
      const { name, description, color, is_enabled: enabled } = r.body;
      const t = r.state.createIssueType(r.params.org!, { name, description, color });
      t.isEnabled = enabled !== false;
      return ok(issueTypeJson(t));
    },
  },
  'rate-limit/get': {
    handle(r) {
      const resources = r.rateLimits();
      return ok({ resources, rate: resources.core });
    },
  },
};
