// Automatic planning: a preview drawn as ghost bars on the timeline, then
// accepted or discarded.

import { http } from '../api.js';
import { toDay } from '../dates.js';
import { dayWidth } from '../schedule.js';
import { planSpan, planTentative } from '../plan.js';
import { set, setSched, toast, canEdit, unauthorized } from '../model.js';
import { initialAllocRange, fullAllocRange, loadAllocs, routeEffects } from '../load.js';
import { goTo } from '../nav.js';

/** Scroll the timeline so the proposal's first day is near the left edge. */
function scrollToPlan(m, proposal) {
  const span = planSpan(proposal);
  if (!span) return [m, []];
  // a short plan reads better day by day: bars wide enough for the task names
  if (m.sched.zoom === 'week' && toDay(span.to) - Math.min(toDay(span.from), toDay(m.today)) <= 14) m = setSched(m, { zoom: 'day' });
  const s = m.sched;
  const day = Math.max(toDay(s.origin), Math.min(toDay(span.from), toDay(m.today)) - 3);
  const left = Math.max(0, (day - toDay(s.origin)) * dayWidth(s.zoom));
  return [setSched(m, { scrollLeft: left }), [{ type: 'scroll', left, top: s.scrollTop }]];
}

/** Reload allocations over the loaded window widened to cover the plan. */
function reloadForPlan(m, proposal) {
  const span = planSpan(proposal);
  const cur = m.sched.allocRange || initialAllocRange(m);
  if (!span) return loadAllocs(cur, false);
  const full = fullAllocRange(m);
  const from = [cur.from, span.from < full.from ? full.from : span.from].sort()[0];
  const to = [cur.to, span.to > full.to ? full.to : span.to].sort()[1];
  return loadAllocs({ from, to }, false);
}

export function update(m, msg) {
  switch (msg.type) {
    case 'PlanPreview': {
      const ids = msg.projectIds || (m.plan && m.plan.projectIds) || [];
      if (!ids.length || !canEdit(m) || (m.plan && (m.plan.status === 'loading' || m.plan.status === 'applying'))) return [m, []];
      const tentative = planTentative(m.plan, msg);
      return [set(m, { plan: { projectIds: ids, tentative, status: 'loading', proposal: null, error: null } }),
        [http('POST', '/schedule/preview', { project_ids: ids, from: m.today, tentative }, 'PlanPreviewed', 'PlanPreviewErr')]];
    }
    case 'PlanPreviewed': {
      if (!m.plan) return [m, []];
      const m2 = set(m, { plan: set(m.plan, { status: 'ready', proposal: msg.data, error: null }) });
      const [m3, nav] = m.route.page === 'schedule' ? [m2, []] : goTo(m2, '/schedule');
      const [m4, scroll] = scrollToPlan(m3, msg.data);
      return [m4, [...nav, ...scroll]];
    }
    case 'PlanPreviewErr': {
      const r = unauthorized(m, msg.status);
      if (r) return r;
      if (m.plan && m.plan.proposal) return [set(m, { plan: set(m.plan, { status: 'conflict', error: msg.error }) }), []];
      return toast(set(m, { plan: null }), msg.error);
    }
    case 'PlanAccept': {
      const p = m.plan;
      if (!p || p.status !== 'ready' || !p.proposal) return [m, []];
      return [set(m, { plan: set(p, { status: 'applying', error: null }) }),
        [http('POST', '/schedule/apply', { proposal_id: p.proposal.proposal_id }, 'PlanApplied', 'PlanApplyErr')]];
    }
    case 'PlanApplied': {
      const proposal = m.plan && m.plan.proposal;
      const m2 = set(m, { plan: null });
      const [m3, fx] = toast(m2, 'Plan applied (Ctrl+Z undoes it)', 'info');
      const m4 = proposal ? setSched(m3, { allocLoading: true }) : m3;
      return [m4, [...fx, reloadForPlan(m4, proposal), ...(m.route.page === 'project' ? routeEffects(m4) : [])]];
    }
    case 'PlanApplyErr': {
      const r = unauthorized(m, msg.status);
      if (r) return r;
      if (!m.plan) return toast(m, msg.error);
      // 409: the schedule changed since the preview; 404: the proposal expired. Either way: offer a new preview.
      const error = msg.status === 404 ? `${msg.error} The proposal has expired; preview again.` : msg.error;
      return [set(m, { plan: set(m.plan, { status: 'conflict', error }) }), []];
    }
    case 'PlanDiscard':
      if (!m.plan || m.plan.status === 'applying') return [m, []];
      return [set(m, { plan: null }), []];
  }
}
