//! The TaskJuggler subset that plans consulting work, read from a `.tjp` file into
//! people, one project per top-level task, and tasks ready for "Plan automatically".
//!
//! Understood: the `project` line's start date (the earliest start of everything) and
//! its `dailyworkinghours`; `resource` with nested resources (the parent's name becomes
//! the role of those inside), `vacation` (time off) and `workinghours` (weekly hours);
//! `task` with nested tasks, `effort`, `duration`/`length` (converted to effort at the
//! daily working hours), `depends`/`precedes` (absolute ids or `!` relative paths),
//! `allocate` with `alternative` (a generated skill held by exactly those people),
//! `priority`, `start`/`maxend` (earliest start / deadline). `efficiency` is ignored with
//! a warning, and so is everything else, each with its line number.
//!
//! A plan TaskJuggler itself exported (its `export` report) is read too: there each
//! task's work is a `supplement task` with `booking`s rather than an effort, so a leaf
//! task without an effort takes the hours booked to it as its effort, and the people
//! booked as its allocation (alternatives when several); `supplement resource` adds
//! working hours and vacations to a resource read before.

mod syntax;

use super::{Plan, Report, RowOutcome};
use crate::domain::activity::Change;
use crate::domain::schedule::{PersonInput, TimeOffInput, from_json};
use crate::domain::task::{Task, TaskInput};
use crate::domain::{Id, Person, Project, ProjectInput, Schedule, TimeOff, Timestamp};
use crate::store::Record;
use crate::{AppError, Result};
use chrono::NaiveDate;
use serde_json::json;
use std::collections::HashMap;
use syntax::{Stmt, date, hours, parse, tokens, word, working_hours};

/// A resource that is a person: id, name, role (its group), weekly hours, vacations.
type TjResource = (
    String,
    String,
    Option<String>,
    [f64; 7],
    Vec<(NaiveDate, NaiveDate)>,
);

#[derive(Default)]
struct TjTask {
    /// The line the task starts on.
    line: usize,
    path: String,
    name: String,
    top: String,
    effort: Option<f64>,
    allocate: Vec<String>,
    depends: Vec<(String, usize)>,
    priority: Option<i32>,
    start: Option<NaiveDate>,
    deadline: Option<NaiveDate>,
    is_parent: bool,
    /// Hours booked to it (`booking`, as TaskJuggler's export writes a scheduled plan).
    booked: f64,
    /// Whom those hours were booked to, in order.
    booked_to: Vec<String>,
}

struct Reader {
    daily: f64,
    start: Option<NaiveDate>,
    warnings: Vec<String>,
    people: Vec<TjResource>,
    tasks: Vec<TjTask>,
}

impl Reader {
    fn warn(&mut self, line: usize, what: &str) {
        self.warnings.push(format!("Line {line}: {what}"));
    }

    fn resource(&mut self, s: &Stmt, group: Option<&str>) {
        let id = s.args.first().and_then(word).unwrap_or("").to_string();
        let name = s.args.get(1).and_then(word).unwrap_or(&id).to_string();
        let mut week = [
            self.daily, self.daily, self.daily, self.daily, self.daily, 0.0, 0.0,
        ];
        let mut vacations = Vec::new();
        let children: Vec<&Stmt> = s.body.iter().filter(|b| b.keyword == "resource").collect();
        for b in &s.body {
            if b.keyword != "resource" {
                self.resource_attr(b, &mut week, &mut vacations);
            }
        }
        if children.is_empty() {
            self.people
                .push((id, name, group.map(str::to_string), week, vacations));
        } else {
            for c in children {
                self.resource(c, Some(&name));
            }
        }
    }

    /// One attribute of a resource (a person), onto its week and vacations.
    fn resource_attr(
        &mut self,
        b: &Stmt,
        week: &mut [f64; 7],
        vacations: &mut Vec<(NaiveDate, NaiveDate)>,
    ) {
        match b.keyword.as_str() {
            "vacation" | "leaves" => {
                let dates: Vec<NaiveDate> =
                    b.args.iter().filter_map(word).filter_map(date).collect();
                match dates.as_slice() {
                    [a] => vacations.push((*a, *a)),
                    [a, e, ..] => vacations.push((*a, (*e - chrono::Duration::days(1)).max(*a))),
                    _ => self.warn(b.line, "a vacation without dates is ignored"),
                }
            }
            "workinghours" => {
                if !working_hours(&b.args, week) {
                    self.warn(b.line, "workinghours not understood; ignored");
                }
            }
            "efficiency" => self.warn(b.line, "efficiency is ignored"),
            other => self.warn(b.line, &format!("'{other}' in a resource is not imported")),
        }
    }

    /// `supplement task a.b { ... }` / `supplement resource x { ... }`: more attributes
    /// of a task or resource read before.
    fn supplement(&mut self, s: &Stmt) {
        let what = s.args.first().and_then(word).unwrap_or("");
        let target = s.args.get(1).and_then(word).unwrap_or("").to_string();
        match what {
            "task" => match self.tasks.iter().position(|t| t.path == target) {
                Some(i) => {
                    let mut t = std::mem::take(&mut self.tasks[i]);
                    for b in s.body.iter().filter(|b| b.keyword != "task") {
                        self.task_attr(&mut t, b);
                    }
                    if s.body.iter().any(|b| b.keyword == "task") {
                        self.warn(s.line, "tasks inside a supplement are not imported");
                    }
                    self.tasks[i] = t;
                }
                None => self.warn(
                    s.line,
                    &format!("supplement of '{target}', which is not a task here, is ignored"),
                ),
            },
            "resource" => match self.people.iter().position(|p| p.0 == target) {
                Some(i) => {
                    let (mut week, mut vacations) =
                        (self.people[i].3, std::mem::take(&mut self.people[i].4));
                    for b in &s.body {
                        self.resource_attr(b, &mut week, &mut vacations);
                    }
                    self.people[i].3 = week;
                    self.people[i].4 = vacations;
                }
                None => self.warn(
                    s.line,
                    &format!(
                        "supplement of resource '{target}' is not imported (only people's are)"
                    ),
                ),
            },
            _ => self.warn(s.line, &format!("'supplement {what}' is not imported")),
        }
    }

    fn task(&mut self, s: &Stmt, parent: Option<&str>, top: Option<&str>) {
        let id = s.args.first().and_then(word).unwrap_or("").to_string();
        let name = s.args.get(1).and_then(word).unwrap_or(&id).to_string();
        let path = match parent {
            Some(p) => format!("{p}.{id}"),
            None => id.clone(),
        };
        let top = top.unwrap_or(&path).to_string();
        let mut t = TjTask {
            line: s.line,
            path: path.clone(),
            name,
            top: top.clone(),
            is_parent: s.body.iter().any(|b| b.keyword == "task"),
            ..TjTask::default()
        };
        for b in s.body.iter().filter(|b| b.keyword != "task") {
            self.task_attr(&mut t, b);
        }
        self.tasks.push(t);
        for b in s.body.iter().filter(|b| b.keyword == "task") {
            self.task(b, Some(&path), Some(&top));
        }
    }
}

impl Reader {
    /// One attribute of task `t`.
    fn task_attr(&mut self, t: &mut TjTask, b: &Stmt) {
        let path = t.path.clone();
        let first = b.args.first().and_then(word).unwrap_or("");
        match b.keyword.as_str() {
            "effort" | "duration" | "length" => match hours(first, self.daily) {
                Some(h) => t.effort = Some(h),
                None => self.warn(b.line, &format!("{} '{first}' not understood", b.keyword)),
            },
            "depends" | "precedes" => {
                for target in b.args.iter().filter_map(word) {
                    let resolved = resolve(&path, target);
                    if b.keyword == "depends" {
                        t.depends.push((resolved, b.line));
                    } else {
                        // `precedes x` is `x depends on this`: recorded on the target later.
                        t.depends.push((format!("<{resolved}"), b.line));
                    }
                }
            }
            "allocate" => {
                t.allocate = b.args.iter().filter_map(word).map(str::to_string).collect();
                for alt in &b.body {
                    if alt.keyword == "alternative" {
                        t.allocate
                            .extend(alt.args.iter().filter_map(word).map(str::to_string));
                    } else {
                        self.warn(
                            alt.line,
                            &format!("'{}' in allocate is not imported", alt.keyword),
                        );
                    }
                }
            }
            "booking" => {
                // `booking ann 2026-03-16-09:00-+0100 + 8.0h, 2026-03-17-... + 4.0h`
                let words: Vec<&str> = b.args.iter().filter_map(word).collect();
                let booked: Option<f64> = words
                    .windows(2)
                    .filter(|w| w[0] == "+")
                    .map(|w| hours(w[1], self.daily))
                    .sum();
                match (words.first(), booked) {
                    (Some(who), Some(h)) if h > 0.0 => {
                        t.booked += h;
                        if !t.booked_to.iter().any(|x| x == who) {
                            t.booked_to.push(who.to_string());
                        }
                    }
                    _ => self.warn(b.line, "booking not understood; ignored"),
                }
            }
            "priority" => t.priority = first.parse().ok(),
            "start" => t.start = date(first),
            "maxend" | "end" => t.deadline = date(first),
            other => self.warn(b.line, &format!("'{other}' in a task is not imported")),
        }
    }
}

/// `!x` from task `a.b.c` is `a.b.x`; `!!x` is `a.x`; an id without `!` is absolute.
fn resolve(from: &str, target: &str) -> String {
    let ups = target.chars().take_while(|c| *c == '!').count();
    if ups == 0 {
        return target.to_string();
    }
    let mut parts: Vec<&str> = from.split('.').collect();
    for _ in 0..ups {
        parts.pop();
    }
    let rest = &target[ups..];
    if parts.is_empty() {
        rest.to_string()
    } else {
        format!("{}.{rest}", parts.join("."))
    }
}

/// Plans a `.tjp` file into the team of `s`.
pub fn plan_tjp(text: &str, s: &Schedule, now: Timestamp) -> Result<Plan> {
    let toks = tokens(text)?;
    let stmts = parse(&toks, &mut 0, 0)?;
    let mut r = Reader {
        daily: 8.0,
        start: None,
        warnings: Vec::new(),
        people: Vec::new(),
        tasks: Vec::new(),
    };
    // The project line first: its daily hours count everywhere.
    for st in &stmts {
        if st.keyword == "project" {
            r.start = st.args.iter().filter_map(word).find_map(date);
            for b in &st.body {
                match b.keyword.as_str() {
                    "dailyworkinghours" => {
                        r.daily = b
                            .args
                            .first()
                            .and_then(word)
                            .and_then(|w| w.parse().ok())
                            .unwrap_or(8.0)
                    }
                    "timezone" | "now" | "currency" | "timeformat" | "weekstartsmonday" => {}
                    other => r.warn(b.line, &format!("'{other}' in the project is not imported")),
                }
            }
        }
    }
    for st in &stmts {
        match st.keyword.as_str() {
            "project" => {}
            "resource" => r.resource(st, None),
            "task" => r.task(st, None, None),
            "supplement" => r.supplement(st),
            other => r.warn(st.line, &format!("'{other}' is not imported")),
        }
    }
    // A task TaskJuggler scheduled and exported: its bookings are its work.
    for t in r.tasks.iter_mut().filter(|t| !t.is_parent) {
        if t.effort.is_none() && t.booked > 0.0 {
            t.effort = Some(t.booked);
        }
        if t.allocate.is_empty() {
            t.allocate = std::mem::take(&mut t.booked_to);
        }
    }
    if r.people.is_empty() && r.tasks.is_empty() {
        return Err(AppError::Invalid(
            "The file has no resource and no task".into(),
        ));
    }
    let team = s.team.id.clone();
    let mut report = Report {
        warnings: r.warnings.clone(),
        ..Report::default()
    };
    let mut changes = Vec::new();
    let mut push = |record: Record, report: &mut Report, line: usize, name: String| {
        report.created += 1;
        report.rows.push(RowOutcome {
            row: line,
            action: "create",
            name,
        });
        changes.push(Change {
            before: None,
            after: Some(record),
        });
    };
    // Alternatives become a skill held by exactly the people listed.
    let mut skills: HashMap<String, Vec<String>> = HashMap::new();
    for t in &r.tasks {
        if t.allocate.len() > 1 {
            let skill = format!("tj:{}", t.allocate.join("|"));
            for who in &t.allocate {
                skills.entry(who.clone()).or_default().push(skill.clone());
            }
        }
    }
    let mut person_ids: HashMap<String, Id> = HashMap::new();
    for (rid, name, role, week, vacations) in &r.people {
        let mut own: Vec<String> = skills.get(rid).cloned().unwrap_or_default();
        own.dedup();
        let input: PersonInput = from_json(json!({
            "name": name, "role": role, "skills": own, "weekly_hours": week,
            "timezone": s.team.timezone,
        }))?;
        let p = Person::from_input(Id::random(), team.clone(), input)
            .map_err(|e| AppError::Invalid(format!("Resource {rid}: {e}")))?;
        person_ids.insert(rid.clone(), p.id.clone());
        let pid = p.id.clone();
        push(Record::Person(p), &mut report, 0, format!("Person {name}"));
        for (a, b) in vacations {
            let input = TimeOffInput {
                person_id: Some(pid.clone()),
                start: *a,
                end: *b,
                reason: Some("Vacation".into()),
                kind: None,
                hours: None,
                status: None,
            };
            let t = TimeOff::from_input(Id::random(), team.clone(), input)?;
            push(
                Record::TimeOff(t),
                &mut report,
                0,
                format!("Time off for {name}, {a} to {b}"),
            );
        }
    }
    // A project per top-level task; a task per leaf task under it.
    let mut project_ids: HashMap<String, Id> = HashMap::new();
    for t in r.tasks.iter().filter(|t| t.path == t.top) {
        let input: ProjectInput = from_json(json!({"name": t.name, "start": r.start}))?;
        let p = Project::from_input(
            Id::random(),
            team.clone(),
            input,
            now,
            s.projects.len() + project_ids.len(),
        )?;
        project_ids.insert(t.path.clone(), p.id.clone());
        push(
            Record::Project(p),
            &mut report,
            0,
            format!("Project {}", t.name),
        );
    }
    let leaves: Vec<&TjTask> = r.tasks.iter().filter(|t| !t.is_parent).collect();
    let task_ids: HashMap<String, Id> = leaves
        .iter()
        .map(|t| (t.path.clone(), Id::random()))
        .collect();
    // Dependencies, with `precedes` turned round, onto leaf tasks only.
    let mut deps: HashMap<String, Vec<String>> = HashMap::new();
    for t in &r.tasks {
        for (target, line) in &t.depends {
            let (from, to) = match target.strip_prefix('<') {
                Some(after) => (after.to_string(), t.path.clone()),
                None => (t.path.clone(), target.clone()),
            };
            let ends = |p: &str| -> Vec<String> {
                leaves
                    .iter()
                    .filter(|l| l.path == p || l.path.starts_with(&format!("{p}.")))
                    .map(|l| l.path.clone())
                    .collect()
            };
            let (froms, tos) = (ends(&from), ends(&to));
            if froms.is_empty() || tos.is_empty() {
                report.warnings.push(format!(
                    "Line {line}: dependency on '{to}', which is not a task here, is ignored"
                ));
                continue;
            }
            for f in &froms {
                for d in &tos {
                    let top = |p: &str| p.split('.').next().unwrap_or("").to_string();
                    if top(f) != top(d) {
                        report.warnings.push(format!("Line {line}: '{f}' depends on '{d}' in another project; kronuz plans dependencies within a project, so it is ignored"));
                    } else {
                        deps.entry(f.clone()).or_default().push(d.clone());
                    }
                }
            }
        }
    }
    let mut tasks: Vec<Task> = Vec::new();
    for t in &leaves {
        let Some(effort) = t.effort else {
            report.warnings.push(format!(
                "Line {}: task '{}' has no effort and is not imported",
                t.line, t.path
            ));
            continue;
        };
        let person_id = match t.allocate.as_slice() {
            [one] => person_ids.get(one).cloned(),
            _ => None,
        };
        let skills: Vec<String> = if t.allocate.len() > 1 {
            vec![format!("tj:{}", t.allocate.join("|"))]
        } else {
            vec![]
        };
        let depends_on: Vec<Id> = deps
            .get(&t.path)
            .into_iter()
            .flatten()
            .filter_map(|d| task_ids.get(d).cloned())
            .collect();
        let input = TaskInput {
            name: t.name.clone(),
            effort_hours: effort,
            person_id,
            role: None,
            skills,
            depends_on,
            earliest_start: t.start.or(r.start),
            deadline: t.deadline,
            priority: t.priority.unwrap_or(500),
            may_split: true,
            max_hours_per_day: None,
            pinned: false,
            assignees_max: 1,
        };
        let project = project_ids.get(&t.top).cloned().unwrap_or_else(Id::random);
        let task = Task::from_input(task_ids[&t.path].clone(), team.clone(), project, input)
            .map_err(|e| AppError::Invalid(format!("Task {}: {e}", t.path)))?;
        tasks.push(task);
    }
    crate::domain::task::check_acyclic(tasks.iter())?;
    let mut ordered = crate::domain::task::dependents_first(tasks.iter());
    ordered.reverse();
    for t in ordered {
        let name = format!("Task {}", t.name);
        push(Record::Task(t), &mut report, 0, name);
    }
    let summary = format!("Imported a TaskJuggler plan: {} records", report.created);
    Ok(Plan {
        report,
        summary,
        changes,
    })
}
