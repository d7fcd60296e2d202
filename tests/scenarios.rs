//! Scenarios over real sockets: forks apart from live both ways, durable edits, compare,
//! merge with one undo, conflicts and who may do what.

mod common;

use common::*;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

/// A request in scenario `scenario` (`None`: live).
async fn call(
    c: &Client,
    s: &TestServer,
    method: Method,
    path: &str,
    scenario: Option<&str>,
    payload: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = c.request(method, s.url(path));
    if let Some(id) = scenario {
        req = req.header("Kronuz-Scenario", id);
    }
    if let Some(p) = payload {
        req = req.json(&p);
    }
    body(req.send().await.unwrap()).await
}

async fn created(
    c: &Client,
    s: &TestServer,
    path: &str,
    scenario: Option<&str>,
    payload: Value,
) -> Value {
    let (status, v) = call(c, s, Method::POST, path, scenario, Some(payload)).await;
    assert_eq!(status, StatusCode::CREATED, "{path}: {v}");
    v
}

async fn fork(c: &Client, s: &TestServer, name: &str) -> String {
    id(&created(c, s, "/api/v1/scenarios", None, json!({"name": name})).await)
}

async fn allocation_ids(c: &Client, s: &TestServer, scenario: Option<&str>) -> Vec<String> {
    let (status, list) = call(c, s, Method::GET, "/api/v1/allocations", scenario, None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let mut ids: Vec<String> = list.as_array().unwrap().iter().map(id).collect();
    ids.sort();
    ids
}

/// An owner with a person, a project and one booking on live.
struct Team {
    c: Client,
    ben: String,
    project: String,
    booking: String,
}

async fn team(s: &TestServer, email: &str) -> Team {
    let (c, _) = signup(s, email).await;
    let ben = id(&created(&c, s, "/api/v1/people", None, json!({"name": "Ben Okafor"})).await);
    let project = id(&created(&c, s, "/api/v1/prj", None, json!({"name": "Bank"})).await);
    let booking = id(&created(&c, s, "/api/v1/allocations", None, json!({"project_id": project, "person_id": ben, "start": "2026-03-02", "end": "2026-03-06", "hours_per_day": 4})).await);
    Team {
        c,
        ben,
        project,
        booking,
    }
}

#[tokio::test]
async fn a_fork_is_unchanged_by_later_live_edits_and_live_by_the_fork_even_after_a_restart() {
    let s = TestServer::fresh().await;
    let t = team(&s, "ann@x.io").await;
    let sc = fork(&t.c, &s, "Win the bank").await;

    // The scenario books Ben more and moves the first booking; live does not see it.
    let extra = id(&created(&t.c, &s, "/api/v1/allocations", Some(&sc), json!({"project_id": t.project, "person_id": t.ben, "start": "2026-04-06", "end": "2026-04-10", "hours_per_day": 8})).await);
    let (status, moved) = call(
        &t.c,
        &s,
        Method::PATCH,
        &format!("/api/v1/allocations/{}", t.booking),
        Some(&sc),
        Some(json!({"hours_per_day": 7})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(
        moved["team_id"],
        created_team_id(&t.c, &s).await,
        "records keep the real team"
    );
    assert_eq!(
        allocation_ids(&t.c, &s, None).await,
        vec![t.booking.clone()]
    );
    let (_, live_booking) = call(
        &t.c,
        &s,
        Method::GET,
        &format!("/api/v1/allocations/{}", t.booking),
        None,
        None,
    )
    .await;
    assert_eq!(live_booking["hours_per_day"], 4.0);

    // Live changes the booking's dates, adds one and deletes the person's time off...
    let (status, _) = call(
        &t.c,
        &s,
        Method::PATCH,
        &format!("/api/v1/prj/{}", t.project),
        None,
        Some(json!({"name": "Bank (won)"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let live_only = id(&created(&t.c, &s, "/api/v1/allocations", None, json!({"project_id": t.project, "person_id": t.ben, "start": "2026-05-04", "end": "2026-05-08", "hours_per_day": 2})).await);
    // ...and the scenario sees none of it.
    let mut want = vec![t.booking.clone(), extra.clone()];
    want.sort();
    assert_eq!(allocation_ids(&t.c, &s, Some(&sc)).await, want);
    let (_, p) = call(
        &t.c,
        &s,
        Method::GET,
        &format!("/api/v1/prj/{}", t.project),
        Some(&sc),
        None,
    )
    .await;
    assert_eq!(p["name"], "Bank");

    // A restart gives back both, each as it was.
    let s = s.restart().await;
    let c = client();
    let (status, _) = login(&c, &s, "ann@x.io", "correct horse").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(allocation_ids(&c, &s, Some(&sc)).await, want);
    let mut live_want = vec![t.booking.clone(), live_only];
    live_want.sort();
    assert_eq!(allocation_ids(&c, &s, None).await, live_want);
    let (_, p) = call(
        &c,
        &s,
        Method::GET,
        &format!("/api/v1/prj/{}", t.project),
        Some(&sc),
        None,
    )
    .await;
    assert_eq!(
        p["name"], "Bank",
        "live's rename after the fork stays out of the scenario"
    );
    let (_, b) = call(
        &c,
        &s,
        Method::GET,
        &format!("/api/v1/allocations/{}", t.booking),
        Some(&sc),
        None,
    )
    .await;
    assert_eq!(b["hours_per_day"], 7.0);
    let (_, b) = call(
        &c,
        &s,
        Method::GET,
        &format!("/api/v1/allocations/{}", t.booking),
        None,
        None,
    )
    .await;
    assert_eq!(b["hours_per_day"], 4.0);
    // The scenario's own history came back too, and its undo works on it alone.
    let (status, log) = call(&c, &s, Method::GET, "/api/v1/activity", Some(&sc), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(log.as_array().unwrap().len(), 2, "{log}");
    let (status, undone) = call(
        &c,
        &s,
        Method::POST,
        "/api/v1/activity/undo",
        Some(&sc),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{undone}");
    let (_, b) = call(
        &c,
        &s,
        Method::GET,
        &format!("/api/v1/allocations/{}", t.booking),
        Some(&sc),
        None,
    )
    .await;
    assert_eq!(b["hours_per_day"], 4.0);
    assert_eq!(allocation_ids(&c, &s, None).await, live_want);
}

async fn created_team_id(c: &Client, s: &TestServer) -> Value {
    let (_, team) = get(c, s, "/api/v1/team").await;
    team["id"].clone()
}

#[tokio::test]
async fn compare_lists_exactly_the_changes_and_their_effect_and_merge_applies_them_undone_in_one_step()
 {
    let s = TestServer::fresh().await;
    let t = team(&s, "ann@x.io").await;
    let sc = fork(&t.c, &s, "Hire in March").await;
    let newbie = created(
        &t.c,
        &s,
        "/api/v1/people",
        Some(&sc),
        json!({"name": "New Hire"}),
    )
    .await;
    let added = id(&created(&t.c, &s, "/api/v1/allocations", Some(&sc), json!({"project_id": t.project, "person_id": id(&newbie), "start": "2026-03-09", "end": "2026-03-13", "hours_per_day": 8})).await);
    let (status, _) = call(
        &t.c,
        &s,
        Method::PATCH,
        &format!("/api/v1/allocations/{}", t.booking),
        Some(&sc),
        Some(json!({"hours_per_day": 8})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // Made and removed again inside the scenario: not a change at all.
    let gone = id(&created(&t.c, &s, "/api/v1/allocations", Some(&sc), json!({"project_id": t.project, "person_id": t.ben, "start": "2026-06-01", "end": "2026-06-05"})).await);
    let (status, _) = call(
        &t.c,
        &s,
        Method::DELETE,
        &format!("/api/v1/allocations/{gone}"),
        Some(&sc),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let (status, cmp) = call(
        &t.c,
        &s,
        Method::GET,
        &format!("/api/v1/scenarios/{sc}/compare"),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{cmp}");
    let added_ids: Vec<&str> = cmp["allocations"]["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(added_ids, vec![added.as_str()]);
    assert_eq!(cmp["allocations"]["removed"], json!([]));
    let changed = cmp["allocations"]["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["before"]["hours_per_day"], 4.0);
    assert_eq!(changed[0]["after"]["hours_per_day"], 8.0);
    assert_eq!(cmp["people"]["added"][0]["name"], "New Hire");
    assert_eq!(cmp["conflicts"], json!([]));
    // Ben goes from 20 to 40 booked hours in March; the team's March from 20 to 80.
    let ben = cmp["utilisation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["person_id"] == t.ben.as_str())
        .expect("Ben's utilisation differs");
    let march = ben["months"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["month"] == "2026-03")
        .unwrap();
    assert_eq!(march["live"]["scheduled_hours"], 20.0);
    assert_eq!(march["scenario"]["scheduled_hours"], 40.0);
    let total = cmp["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["month"] == "2026-03")
        .unwrap();
    assert_eq!(total["live"]["scheduled_hours"], 20.0);
    assert_eq!(total["scenario"]["scheduled_hours"], 80.0);
    let bank = &cmp["projects_effect"][0];
    assert_eq!(bank["live"]["scheduled_hours"], 20.0);
    assert_eq!(bank["scenario"]["scheduled_hours"], 80.0);
    assert_eq!(bank["live"]["finish"], "2026-03-06");
    assert_eq!(bank["scenario"]["finish"], "2026-03-13");

    // A member can neither fork nor merge.
    let (status, invite) = post(
        &t.c,
        &s,
        "/api/v1/team/invites",
        json!({"email": "mo@x.io", "role": "member"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{invite}");
    let member = client();
    let (status, _) = post(&member, &s, "/api/v1/usr/signup", json!({"email": "mo@x.io", "password": "password1", "name": "Mo", "invite": invite["token"]})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = post(&member, &s, "/api/v1/scenarios", json!({"name": "Mine"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &member,
        &s,
        Method::POST,
        &format!("/api/v1/scenarios/{sc}/merge"),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, merged) = call(
        &t.c,
        &s,
        Method::POST,
        &format!("/api/v1/scenarios/{sc}/merge"),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{merged}");
    assert_eq!(merged["changes"], 3, "{merged}");
    let mut want = vec![t.booking.clone(), added.clone()];
    want.sort();
    assert_eq!(allocation_ids(&t.c, &s, None).await, want);
    let (_, people) = get(&t.c, &s, "/api/v1/people").await;
    assert_eq!(people.as_array().unwrap().len(), 2);
    // Merged: closed, and the header naming it is now refused.
    let (status, list) = get(&t.c, &s, "/api/v1/scenarios").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list[0]["status"], "merged");
    let (status, _) = call(
        &t.c,
        &s,
        Method::GET,
        "/api/v1/allocations",
        Some(&sc),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // One undo reverts the whole merge.
    let (status, undone) = call(
        &t.c,
        &s,
        Method::POST,
        &format!(
            "/api/v1/activity/{}/undo",
            merged["activity_id"].as_str().unwrap()
        ),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{undone}");
    assert_eq!(
        allocation_ids(&t.c, &s, None).await,
        vec![t.booking.clone()]
    );
    let (_, people) = get(&t.c, &s, "/api/v1/people").await;
    assert_eq!(people.as_array().unwrap().len(), 1);
    let (_, b) = call(
        &t.c,
        &s,
        Method::GET,
        &format!("/api/v1/allocations/{}", t.booking),
        None,
        None,
    )
    .await;
    assert_eq!(b["hours_per_day"], 4.0);
}

#[tokio::test]
async fn a_conflicting_live_edit_is_a_409_naming_the_record_and_on_conflict_decides() {
    let s = TestServer::fresh().await;
    let t = team(&s, "ann@x.io").await;
    let path = format!("/api/v1/allocations/{}", t.booking);
    let mut scenarios = Vec::new();
    for name in ["first", "scenario wins", "live wins"] {
        let sc = fork(&t.c, &s, name).await;
        let (status, _) = call(
            &t.c,
            &s,
            Method::PATCH,
            &path,
            Some(&sc),
            Some(json!({"hours_per_day": 6})),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        scenarios.push(sc);
    }
    // Each also books something that does not conflict.
    let mut extras = Vec::new();
    for sc in &scenarios {
        extras.push(id(&created(&t.c, &s, "/api/v1/allocations", Some(sc), json!({"project_id": t.project, "person_id": t.ben, "start": "2026-07-06", "end": "2026-07-10", "hours_per_day": 1})).await));
    }
    let (status, _) = call(
        &t.c,
        &s,
        Method::PATCH,
        &path,
        None,
        Some(json!({"hours_per_day": 2})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (status, refused) = call(
        &t.c,
        &s,
        Method::POST,
        &format!("/api/v1/scenarios/{}/merge", scenarios[0]),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["conflicts"][0]["id"], t.booking.as_str());
    assert_eq!(refused["conflicts"][0]["kind"], "allocation");
    assert!(refused["error"].as_str().unwrap().contains("on_conflict"));
    assert_eq!(
        allocation_ids(&t.c, &s, None).await,
        vec![t.booking.clone()],
        "a refused merge changes nothing"
    );
    let (_, cmp) = get(
        &t.c,
        &s,
        &format!("/api/v1/scenarios/{}/compare", scenarios[0]),
    )
    .await;
    assert_eq!(cmp["conflicts"][0]["id"], t.booking.as_str());

    // Only bookings changed: the project's hours are live's plus the difference.
    let (_, cmp) = get(
        &t.c,
        &s,
        &format!("/api/v1/scenarios/{}/compare", scenarios[1]),
    )
    .await;
    assert_eq!(
        cmp["projects_effect"][0]["live"]["scheduled_hours"], 10.0,
        "{cmp}"
    );
    assert_eq!(
        cmp["projects_effect"][0]["scenario"]["scheduled_hours"], 35.0,
        "{cmp}"
    );
    assert_eq!(
        cmp["projects_effect"][0]["scenario"]["finish"],
        "2026-07-10"
    );
    let (status, merged) = call(
        &t.c,
        &s,
        Method::POST,
        &format!("/api/v1/scenarios/{}/merge", scenarios[1]),
        None,
        Some(json!({"on_conflict": "scenario"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{merged}");
    let (_, b) = get(&t.c, &s, &path).await;
    assert_eq!(b["hours_per_day"], 6.0, "the scenario's value won");
    assert!(allocation_ids(&t.c, &s, None).await.contains(&extras[1]));
    // Undo that merge, then let live win in the next one.
    let (status, _) = post(
        &t.c,
        &s,
        &format!(
            "/api/v1/activity/{}/undo",
            merged["activity_id"].as_str().unwrap()
        ),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, merged) = call(
        &t.c,
        &s,
        Method::POST,
        &format!("/api/v1/scenarios/{}/merge", scenarios[2]),
        None,
        Some(json!({"on_conflict": "live"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{merged}");
    let (_, b) = get(&t.c, &s, &path).await;
    assert_eq!(b["hours_per_day"], 2.0, "live's value stayed");
    assert!(
        allocation_ids(&t.c, &s, None).await.contains(&extras[2]),
        "the rest merged"
    );

    let (status, bad) = call(
        &t.c,
        &s,
        Method::POST,
        &format!("/api/v1/scenarios/{}/merge", scenarios[0]),
        None,
        Some(json!({"on_conflict": "both"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
}

#[tokio::test]
async fn unknown_closed_and_other_teams_scenarios_are_404_never_live() {
    let s = TestServer::fresh().await;
    let ann = team(&s, "ann@x.io").await;
    let zoe = team(&s, "zoe@y.io").await;
    let theirs = fork(&zoe.c, &s, "Zoe's plan").await;
    let body = json!({"project_id": ann.project, "person_id": ann.ben, "start": "2026-03-02", "end": "2026-03-02"});

    for scenario in ["ffffffffffffffff", theirs.as_str()] {
        let (status, _) = call(
            &ann.c,
            &s,
            Method::POST,
            "/api/v1/allocations",
            Some(scenario),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = call(
            &ann.c,
            &s,
            Method::GET,
            "/api/v1/prj/list",
            Some(scenario),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    for (method, path) in [
        (Method::GET, format!("/api/v1/scenarios/{theirs}/compare")),
        (Method::POST, format!("/api/v1/scenarios/{theirs}/merge")),
        (Method::DELETE, format!("/api/v1/scenarios/{theirs}")),
    ] {
        let (status, _) = call(&ann.c, &s, method, &path, None, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (_, list) = get(&ann.c, &s, "/api/v1/scenarios").await;
    assert_eq!(list, json!([]));

    // Archived: gone for the header, kept in the list.
    let mine = fork(&ann.c, &s, "Maybe").await;
    let (status, renamed) = call(
        &ann.c,
        &s,
        Method::PATCH,
        &format!("/api/v1/scenarios/{mine}"),
        None,
        Some(json!({"name": "Maybe not"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert_eq!(renamed["name"], "Maybe not");
    let (status, _) = delete(&ann.c, &s, &format!("/api/v1/scenarios/{mine}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(
        &ann.c,
        &s,
        Method::POST,
        "/api/v1/allocations",
        Some(&mine),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        allocation_ids(&ann.c, &s, None).await,
        vec![ann.booking.clone()]
    );
    let (_, list) = get(&ann.c, &s, "/api/v1/scenarios").await;
    assert_eq!(list[0]["status"], "archived");
}

#[tokio::test]
async fn a_team_keeps_at_most_twenty_open_scenarios_and_the_twenty_first_is_a_409() {
    let s = TestServer::fresh().await;
    let ann = team(&s, "ann@x.io").await;
    let zoe = team(&s, "zoe@y.io").await;
    let mut open = Vec::new();
    for i in 0..20 {
        open.push(fork(&ann.c, &s, &format!("Plan {i}")).await);
    }
    let (status, refused) = call(
        &ann.c,
        &s,
        Method::POST,
        "/api/v1/scenarios",
        None,
        Some(json!({"name": "One too many"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("at most 20 open scenarios"),
        "{refused}"
    );
    let (_, list) = get(&ann.c, &s, "/api/v1/scenarios").await;
    assert_eq!(
        list.as_array().unwrap().len(),
        20,
        "the refusal made nothing"
    );

    // The cap is per team: another team still forks.
    fork(&zoe.c, &s, "Zoe's plan").await;
    // Archiving one makes room again.
    let (status, _) = delete(&ann.c, &s, &format!("/api/v1/scenarios/{}", open[0])).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    fork(&ann.c, &s, "Plan 20").await;
}

#[tokio::test]
async fn a_compare_after_live_changes_shows_live_as_it_is_now() {
    let s = TestServer::fresh().await;
    let t = team(&s, "ann@x.io").await;
    // Cleo is booked on live; the scenario never touches her.
    let cleo = id(&created(
        &t.c,
        &s,
        "/api/v1/people",
        None,
        json!({"name": "Cleo Park"}),
    )
    .await);
    let hers = id(&created(&t.c, &s, "/api/v1/allocations", None, json!({"project_id": t.project, "person_id": cleo, "start": "2026-03-09", "end": "2026-03-13", "hours_per_day": 6})).await);
    let sc = fork(&t.c, &s, "Ben full time").await;
    let (status, _) = call(
        &t.c,
        &s,
        Method::PATCH,
        &format!("/api/v1/allocations/{}", t.booking),
        Some(&sc),
        Some(json!({"hours_per_day": 8})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // March's scheduled hours, team and project, live and scenario.
    let march = |cmp: &Value| {
        let total = cmp["totals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["month"] == "2026-03")
            .unwrap()
            .clone();
        let project = cmp["projects_effect"][0].clone();
        [
            total["live"]["scheduled_hours"].as_f64().unwrap(),
            total["scenario"]["scheduled_hours"].as_f64().unwrap(),
            project["live"]["scheduled_hours"].as_f64().unwrap(),
            project["scenario"]["scheduled_hours"].as_f64().unwrap(),
        ]
    };
    let compare = || async {
        let (status, cmp) = call(
            &t.c,
            &s,
            Method::GET,
            &format!("/api/v1/scenarios/{sc}/compare"),
            None,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{cmp}");
        march(&cmp)
    };
    // Ben 20 h live, 40 in the scenario; Cleo 30.
    assert_eq!(compare().await, [50.0, 70.0, 50.0, 70.0]);
    assert_eq!(compare().await, [50.0, 70.0, 50.0, 70.0], "asked again");

    // Live books Cleo less: both sides follow, as the scenario did not touch her.
    let (status, _) = call(
        &t.c,
        &s,
        Method::PATCH,
        &format!("/api/v1/allocations/{hers}"),
        None,
        Some(json!({"hours_per_day": 2})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(compare().await, [30.0, 50.0, 30.0, 50.0]);

    // Then Cleo stops working Mondays on live: her booking loses Monday 9 March.
    let (status, _) = call(
        &t.c,
        &s,
        Method::PATCH,
        &format!("/api/v1/people/{cleo}"),
        None,
        Some(json!({"weekly_hours": [0, 8, 8, 8, 8, 0, 0]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(compare().await, [28.0, 48.0, 28.0, 48.0]);
}
