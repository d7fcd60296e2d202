//! The OpenAPI document: what the routes describe of themselves, plus what they cannot
//! say through their types: the answers any operation can give, the rules the server
//! checks on text, dates and numbers (so that data the document allows is data the
//! server takes), and the shape of each PATCH body. `scripts/test` holds the server to
//! it with schemathesis.

use serde_json::{Value, json};

/// Text meant for people: not blank, no control characters but tab and line breaks
/// (`domain::required_text` and `domain::check_printable`).
const TEXT: &str = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff]*\
                    [^\\s\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff]\
                    [^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff]*$";
/// Optional text: as [`TEXT`], but blank means "none".
const OPTIONAL_TEXT: &str = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff]*$";
/// A day between 1970 and 2200 (`domain::calendar::check_date`), `YYYY-MM-DD`.
const DATE: &str = "^(19[7-9][0-9]|2[01][0-9][0-9]|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";
/// IANA time zone names such as `Europe/London` (`domain::schedule::check_timezone`).
const TIMEZONE: &str = "^[A-Z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$";
/// An email address as `domain::user::normalise_email` takes it.
/// Written in ASCII here, as the server counts its 254-character limit in bytes.
const EMAIL: &str = "^[!-?A-~]+@[!-\\-/-?A-~]+(\\.[!-\\-/-?A-~]+)+$";

fn text(max: usize) -> Value {
    json!({"minLength": 1, "maxLength": max, "pattern": TEXT})
}

fn optional_text(max: usize) -> Value {
    json!({"maxLength": max, "pattern": OPTIONAL_TEXT})
}

fn date() -> Value {
    json!({"format": "date", "pattern": DATE})
}

/// Checked for shape (`domain::user::normalise_email`), not for RFC 5322's every rule:
/// no `format: email`, which would promise more than the server checks.
fn email() -> Value {
    json!({"maxLength": 254, "pattern": EMAIL})
}

/// An optional email: blank means none.
fn optional_email() -> Value {
    json!({"maxLength": 254, "pattern": format!("^$|{EMAIL}")})
}

/// The OpenAPI document: every route's own description, plus the answers any operation
/// can give that the routes do not repeat (bad body, not logged in, overload).
pub fn document() -> Value {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let mut doc = super::api_routes().split_for_parts().1;
    let error = |description: &str| -> RefOr<utoipa::openapi::Response> {
        let content = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorBody")))
            .build();
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content("application/json", content)
                .build(),
        )
    };
    let public = [
        "/healthz",
        "/metrics",
        "/api/v1/openapi.json",
        "/api/v1/usr/signup",
        "/api/v1/usr/login",
        "/api/v1/usr/logout",
        "/api/v1/usr/reset",
    ];
    for (path, item) in doc.paths.paths.iter_mut() {
        // A PATCH or DELETE of one record honours If-Match.
        for op in [&mut item.patch, &mut item.delete].into_iter().flatten() {
            if path.ends_with('}')
                && path.starts_with("/api/v1/")
                && !path.contains("/team/")
                && !path.contains("/scenarios/")
            {
                op.responses.responses.entry("412".into()).or_insert_with(|| {
                    error("The record changed since the version named by If-Match; the body's `current` is the record now")
                });
            }
        }
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            let responses = &mut op.responses.responses;
            let mut add = |code: &str, description: &str| {
                responses
                    .entry(code.to_string())
                    .or_insert_with(|| error(description));
            };
            if op.request_body.is_some() {
                add("400", "The body is not valid JSON");
                add("413", "The body is too large");
                add("415", "The body is not application/json");
                add("422", "A field is invalid; the message names it");
            } else if op.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                add("422", "A parameter is invalid; the message names it");
            }
            if !public.contains(&path.as_str()) && !path.starts_with("/ical/") {
                add("401", "Not logged in, or the session expired");
            }
            if op.request_body.is_some() || path.starts_with("/api/") {
                add(
                    "503",
                    "Overloaded, timed out, or the change could not be saved",
                );
            }
        }
    }
    let mut doc = serde_json::to_value(doc).unwrap_or_default();
    refine(&mut doc);
    doc
}

/// Each request schema's fields and the rules the server checks on them.
fn field_rules() -> Vec<(&'static str, Vec<(&'static str, Value)>)> {
    let hours = |min: f64, max: f64| json!({"minimum": min, "maximum": max});
    let names = |max_items: usize| json!({"maxItems": max_items, "items": {"minLength": 1, "maxLength": 100, "pattern": TEXT}});
    vec![
        (
            "PersonInput",
            vec![
                ("name", text(200)),
                ("external_id", optional_text(200)),
                ("email", optional_email()),
                ("role", optional_text(100)),
                ("skills", names(100)),
                (
                    "weekly_hours",
                    json!({"items": {"minimum": 0, "maximum": 24}}),
                ),
                ("timezone", json!({"maxLength": 64, "pattern": TIMEZONE})),
                ("start_date", date()),
                ("end_date", date()),
                ("cost_rate", hours(0.0, 1e7)),
                ("bill_rate", hours(0.0, 1e7)),
            ],
        ),
        (
            "ClientInput",
            vec![("name", text(200)), ("external_id", optional_text(200))],
        ),
        ("ScenarioInput", vec![("name", text(200))]),
        (
            "TokenBody",
            vec![
                ("name", text(100)),
                (
                    "expires_in_days",
                    json!({"type": ["integer", "null"], "minimum": 1, "maximum": 3650}),
                ),
            ],
        ),
        (
            "WebhookBody",
            vec![
                (
                    "url",
                    json!({"maxLength": 2000, "pattern": "^https?://[^\\s/@:]+[^\\s@]*$"}),
                ),
                (
                    "events",
                    json!({"minItems": 1, "maxItems": 50, "items": {"pattern": "^(\\*|[a-z]+\\.(created|updated|deleted))$"}}),
                ),
                ("secret", json!({"minLength": 16, "maxLength": 200})),
            ],
        ),
        (
            "RateCard",
            vec![(
                "roles",
                json!({"maxProperties": 500, "propertyNames": {"minLength": 1, "maxLength": 100, "pattern": TEXT}}),
            )],
        ),
        (
            "ProjectInput",
            vec![
                ("name", text(200)),
                ("external_id", optional_text(200)),
                ("probability", json!({"minimum": 0, "maximum": 100})),
                ("start", date()),
                ("end", date()),
                ("budget_hours", hours(0.0, 1e9)),
                ("color", json!({"pattern": "^#[0-9a-fA-F]{6}$"})),
            ],
        ),
        (
            "AllocationInput",
            vec![
                ("placeholder_role", optional_text(100)),
                ("start", date()),
                ("end", date()),
                ("note", optional_text(2000)),
            ],
        ),
        (
            "TimeOffInput",
            vec![
                ("start", date()),
                ("end", date()),
                ("reason", optional_text(500)),
            ],
        ),
        (
            "ActualInput",
            vec![("date", date()), ("note", optional_text(2000))],
        ),
        (
            "TaskInput",
            vec![
                ("name", text(200)),
                ("role", optional_text(100)),
                ("skills", names(100)),
                ("depends_on", json!({"maxItems": 200})),
                ("earliest_start", date()),
                ("deadline", date()),
                (
                    "priority",
                    json!({"description": "Higher goes first; kept within -1000 to 1000."}),
                ),
                ("max_hours_per_day", hours(0.1, 24.0)),
                (
                    "assignees_max",
                    json!({"minimum": 1, "maximum": crate::domain::limits::ASSIGNEES_PER_TASK,
                        "description": "How many people may work on the task at once; the planner splits it between them when that finishes it earlier."}),
                ),
            ],
        ),
        ("SignupBody", vec![("email", email()), ("name", text(200))]),
        ("InviteBody", vec![("email", email())]),
        (
            "PreviewBody",
            vec![("project_ids", json!({"minItems": 1})), ("from", date())],
        ),
        ("TeamInput", vec![("name", text(200))]),
    ]
}

/// PATCH bodies: any subset of the fields of the schema a create takes (a JSON merge
/// patch: `null` clears an optional field).
const PATCHES: [(&str, &str); 7] = [
    ("/api/v1/people/{id}", "PersonInput"),
    ("/api/v1/clients/{id}", "ClientInput"),
    ("/api/v1/prj/{id}", "ProjectInput"),
    ("/api/v1/allocations/{id}", "AllocationInput"),
    ("/api/v1/timeoff/{id}", "TimeOffInput"),
    ("/api/v1/prj/{id}/tasks/{task_id}", "TaskInput"),
    ("/api/v1/team", "TeamInput"),
];

/// Query parameters the server requires or shapes, by name, for paths under a prefix.
fn query_rules() -> Vec<(&'static str, &'static str, Value)> {
    let required_date =
        json!({"required": true, "schema": {"type": "string", "format": "date", "pattern": DATE}});
    let optional_date = json!({"schema": {"type": "string", "format": "date", "pattern": DATE}});
    vec![
        ("/api/v1/reports/", "from", required_date.clone()),
        ("/api/v1/reports/", "to", required_date),
        (
            "/api/v1/reports/utilisation",
            "interval",
            json!({"schema": {"type": "string", "enum": ["week", "month"]}}),
        ),
        (
            "/api/v1/reports/utilisation",
            "format",
            json!({"schema": {"type": "string", "enum": ["json", "csv"]}}),
        ),
        ("/api/v1/allocations", "from", optional_date.clone()),
        ("/api/v1/allocations", "to", optional_date.clone()),
        ("/api/v1/timeoff", "from", optional_date.clone()),
        ("/api/v1/timeoff", "to", optional_date.clone()),
        ("/api/v1/actuals", "from", optional_date.clone()),
        ("/api/v1/actuals", "to", optional_date),
    ]
}

/// Links from what a create answers to the operations that take its id, so that a
/// client (and schemathesis' stateful tests) can follow a record from its creation to
/// its reads, updates and deletion: (the create's path, [(target, parameters)]).
fn links() -> Vec<(&'static str, Vec<(&'static str, Value)>)> {
    let id = || json!({"id": "$response.body#/id"});
    vec![
        (
            "/api/v1/prj",
            vec![
                ("get_project", id()),
                ("patch_project", id()),
                ("delete_project", id()),
                ("project_summary", id()),
                ("list_tasks", id()),
                ("create_task", id()),
            ],
        ),
        (
            "/api/v1/prj/{id}/tasks",
            vec![
                (
                    "patch_task",
                    json!({"id": "$response.body#/project_id", "task_id": "$response.body#/id"}),
                ),
                (
                    "delete_task",
                    json!({"id": "$response.body#/project_id", "task_id": "$response.body#/id"}),
                ),
                ("list_tasks", json!({"id": "$response.body#/project_id"})),
            ],
        ),
        (
            "/api/v1/people",
            vec![
                ("get_person", id()),
                ("patch_person", id()),
                ("archive_person", id()),
                ("rotate_ical", id()),
            ],
        ),
        (
            "/api/v1/clients",
            vec![
                ("get_client", id()),
                ("patch_client", id()),
                ("delete_client", id()),
            ],
        ),
        (
            "/api/v1/allocations",
            vec![
                ("get_allocation", id()),
                ("patch_allocation", id()),
                ("delete_allocation", id()),
            ],
        ),
        (
            "/api/v1/timeoff",
            vec![("patch_timeoff", id()), ("delete_timeoff", id())],
        ),
        ("/api/v1/actuals", vec![("delete_actual", id())]),
    ]
}

fn add_links(doc: &mut Value) {
    for (path, targets) in links() {
        let Some(response) = doc.pointer_mut(&format!(
            "/paths/{}/post/responses/201",
            pointer_escape(path)
        )) else {
            continue;
        };
        for (operation, parameters) in targets {
            response["links"][operation] = json!({
                "operationId": operation,
                "parameters": parameters,
            });
        }
    }
    // A project's tasks are planned by naming the project; a previewed plan is applied
    // by its id.
    if let Some(response) = doc.pointer_mut(&format!(
        "/paths/{}/post/responses/201",
        pointer_escape("/api/v1/prj/{id}/tasks")
    )) {
        response["links"]["preview"] = json!({
            "operationId": "preview",
            "requestBody": {"project_ids": ["$response.body#/project_id"], "from": "2030-01-07"},
        });
    }
    if let Some(response) = doc.pointer_mut(&format!(
        "/paths/{}/post/responses/200",
        pointer_escape("/api/v1/schedule/preview")
    )) {
        response["links"]["apply"] = json!({
            "operationId": "apply",
            "requestBody": {"proposal_id": "$response.body#/proposal_id"},
        });
    }
}

fn pointer_escape(path: &str) -> String {
    path.replace('~', "~0").replace('/', "~1")
}

/// Merges `rules` into `target`, key by key (objects recursively).
fn merge(target: &mut Value, rules: &Value) {
    match (target, rules) {
        (Value::Object(t), Value::Object(r)) => {
            for (k, v) in r {
                merge(t.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (t, r) => *t = r.clone(),
    }
}

/// Adds to the generated document what the types cannot say.
pub fn refine(doc: &mut Value) {
    // A merge's body is optional (no body: conflicts refuse the merge), never null.
    if let Some(body) = doc
        .pointer_mut("/paths/~1api~1v1~1scenarios~1{id}~1merge/post/requestBody")
        .and_then(Value::as_object_mut)
    {
        body.insert("required".into(), json!(false));
    }
    let schemas = &mut doc["components"]["schemas"];
    // A role's rates on the rate card: each optional, 0 to 10^12 (`domain::money`).
    let rate = json!({"type": ["number", "null"], "minimum": 0, "maximum": 1e12});
    schemas["RoleRates"] = json!({
        "type": "object",
        "additionalProperties": false,
        "description": "Hourly rates of a role on the team's rate card.",
        "properties": {"cost_rate": rate, "bill_rate": rate},
    });
    if schemas.get("TeamInput").is_none() {
        schemas["TeamInput"] = json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["name", "week_start", "timezone"],
            "properties": {
                "name": {"type": "string"},
                "week_start": {"type": "string", "enum":
                    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]},
                "timezone": {"type": "string", "maxLength": 64, "pattern": TIMEZONE},
            }
        });
    }
    for (schema, fields) in field_rules() {
        for (field, rules) in fields {
            if let Some(property) = schemas[schema]["properties"].get_mut(field) {
                merge(property, &rules);
            }
        }
    }
    for (path, input) in PATCHES {
        let mut patch = doc["components"]["schemas"][input].clone();
        if let Value::Object(fields) = &mut patch {
            fields.remove("required");
        }
        let name = format!("{}Patch", input.trim_end_matches("Input"));
        doc["components"]["schemas"][name.as_str()] = patch;
        let body = &mut doc["paths"][path]["patch"]["requestBody"]["content"]["application/json"];
        if body.is_object() {
            body["schema"] = json!({"$ref": format!("#/components/schemas/{name}")});
        }
    }
    add_links(doc);
    // The utilisation report answers JSON, or CSV with `format=csv`.
    if let Some(ok) = doc.pointer_mut(&format!(
        "/paths/{}/get/responses/200",
        pointer_escape("/api/v1/reports/utilisation")
    )) {
        *ok = json!({
            "description": "The report; CSV (one row per person or person-period) with format=csv",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Utilisation"}},
                "text/csv": {"schema": {"type": "string"}},
            }
        });
    }
    // The financials report answers JSON, or CSV with `format=csv`.
    if let Some(ok) = doc.pointer_mut(&format!(
        "/paths/{}/get/responses/200",
        pointer_escape("/api/v1/reports/financials")
    )) {
        *ok = json!({
            "description": "The report; CSV (one row per period and per project) with format=csv",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Financials"}},
                "text/csv": {"schema": {"type": "string"}},
            }
        });
    }
    // A CSV import names its kind; a refused query is an ErrorBody, rows with errors
    // the import's own answer.
    if let Some(op) = doc.pointer_mut(&format!(
        "/paths/{}/post",
        pointer_escape("/api/v1/import/{kind}")
    )) {
        if let Some(Value::Array(parameters)) = op.get_mut("parameters") {
            for p in parameters.iter_mut() {
                if p["name"] == "kind" {
                    p["schema"] = json!({"type": "string", "enum": ["people", "clients", "projects", "allocations", "timeoff"]});
                }
            }
        }
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            responses.entry("404").or_insert_with(|| json!({
                "description": "Not a kind kronuz imports",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
            }));
        }
        if let Some(schema) = op.pointer_mut("/responses/422/content/application~1json/schema") {
            *schema = json!({"anyOf": [
                {"$ref": "#/components/schemas/ImportBody"},
                {"$ref": "#/components/schemas/ErrorBody"},
            ]});
        }
    }
    let rules = query_rules();
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Some(Value::Array(parameters)) = item.pointer_mut("/get/parameters") else {
                continue;
            };
            for parameter in parameters.iter_mut() {
                let name = parameter["name"].as_str().unwrap_or_default().to_string();
                for (prefix, param, rule) in &rules {
                    let applies = path.starts_with(prefix) && !path.contains('{');
                    if applies && name == *param && parameter["in"] == "query" {
                        merge(parameter, rule);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operations(doc: &Value) -> Vec<(String, &Value)> {
        let mut all = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                all.push((format!("{} {path}", method.to_uppercase()), op));
            }
        }
        all
    }

    #[test]
    fn every_link_leads_to_an_operation_of_the_document() {
        let doc = document();
        let ids: Vec<&str> = operations(&doc)
            .iter()
            .filter_map(|(_, op)| op["operationId"].as_str())
            .collect();
        let mut links = 0;
        for (name, op) in operations(&doc) {
            for response in op["responses"].as_object().unwrap().values() {
                for link in response["links"]
                    .as_object()
                    .into_iter()
                    .flat_map(|l| l.values())
                {
                    let target = link["operationId"].as_str().unwrap();
                    assert!(ids.contains(&target), "{name} links to unknown {target}");
                    links += 1;
                }
            }
        }
        assert!(links >= 20, "only {links} links");
    }

    #[test]
    fn every_patch_body_is_its_create_body_with_nothing_required() {
        let doc = document();
        for (path, input) in PATCHES {
            let schema = &doc["paths"][path]["patch"]["requestBody"]["content"]["application/json"]
                ["schema"];
            let name = schema["$ref"].as_str().unwrap().rsplit('/').next().unwrap();
            let patch = &doc["components"]["schemas"][name];
            assert!(patch["required"].is_null(), "{name}");
            assert_eq!(patch["additionalProperties"], false, "{name}");
            assert_eq!(
                patch["properties"], doc["components"]["schemas"][input]["properties"],
                "{name}"
            );
        }
    }
}
