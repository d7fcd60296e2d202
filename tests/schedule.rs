//! Resource scheduling over real TCP: people, clients, the pipeline, allocations, time
//! off, roles and invites, the activity log and undo.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn create(c: &reqwest::Client, s: &TestServer, path: &str, body: Value) -> Value {
    let (status, v) = post(c, s, path, body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{path} {body} -> {v}");
    v
}

#[tokio::test]
async fn people_have_sensible_defaults_validate_every_field_and_archive_on_delete() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "ann@x.io").await;
    let p = create(
        &c,
        &s,
        "/api/v1/people",
        json!({"name": " Bea ", "role": "Designer", "skills": ["figma", "ux", "figma"]}),
    )
    .await;
    assert_eq!(p["name"], "Bea");
    assert_eq!(
        p["weekly_hours"],
        json!([8.0, 8.0, 8.0, 8.0, 8.0, 0.0, 0.0])
    );
    assert_eq!(p["skills"], json!(["figma", "ux"]));
    assert_eq!(p["archived"], false);
    assert_eq!(p["timezone"], "UTC", "the team's time zone by default");
    let bad = [
        (json!({}), "name"),
        (json!({"name": ""}), "name"),
        (
            json!({"name": "x", "weekly_hours": [8, 8, 8, 8, 8, 0]}),
            "weekly_hours",
        ),
        (
            json!({"name": "x", "weekly_hours": [25, 8, 8, 8, 8, 0, 0]}),
            "weekly_hours",
        ),
        (
            json!({"name": "x", "weekly_hours": [-1, 8, 8, 8, 8, 0, 0]}),
            "weekly_hours",
        ),
        (json!({"name": "x", "email": "nope"}), "email"),
        (json!({"name": "x", "timezone": "not a zone"}), "timezone"),
        (
            json!({"name": "x", "start_date": "2026-13-01"}),
            "start_date",
        ),
        (
            json!({"name": "x", "start_date": "2026-05-01", "end_date": "2026-04-01"}),
            "end_date",
        ),
        (json!({"name": "x", "cost_rate": -5}), "cost_rate"),
        (
            json!({"name": "x", "user_id": "0000000000000000"}),
            "user_id",
        ),
        (json!({"name": "x", "colour": "red"}), "colour"),
    ];
    for (body, field) in bad {
        let (status, err) = post(&c, &s, "/api/v1/people", body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            err["error"].as_str().unwrap().contains(field),
            "{body} -> {err}"
        );
    }
    let path = format!("/api/v1/people/{}", id(&p));
    let (status, patched) = patch(
        &c,
        &s,
        &path,
        json!({"weekly_hours": [4, 4, 4, 4, 4, 0, 0], "role": null}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["weekly_hours"][0], 4.0);
    assert_eq!(patched["role"], Value::Null);
    assert_eq!(
        patched["skills"],
        json!(["figma", "ux"]),
        "untouched fields stay"
    );
    assert_eq!(
        patch(&c, &s, &path, json!({"name": null})).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    assert_eq!(delete(&c, &s, &path).await.0, StatusCode::NO_CONTENT);
    assert_eq!(get(&c, &s, "/api/v1/people").await.1, json!([]));
    let (_, all) = get(&c, &s, "/api/v1/people?include_archived=true").await;
    assert_eq!(all.as_array().unwrap().len(), 1);
    assert_eq!(all[0]["archived"], true);
    assert_eq!(
        get(&c, &s, &path).await.0,
        StatusCode::OK,
        "history stays reachable by id"
    );
    s.stop().await;
}

#[tokio::test]
async fn projects_carry_the_pipeline_with_status_defaults_and_a_client() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "ann@x.io").await;
    let acme = create(&c, &s, "/api/v1/clients", json!({"name": "Acme"})).await;
    let p = create(&c, &s, "/api/v1/prj", json!({"name": "Rebrand", "client_id": id(&acme), "status": "lead", "budget_hours": 120, "color": "#AABBCC"})).await;
    assert_eq!(
        (
            p["status"].clone(),
            p["probability"].clone(),
            p["billable"].clone()
        ),
        (json!("lead"), json!(10), json!(true))
    );
    assert_eq!(p["color"], "#aabbcc");
    let plain = create(&c, &s, "/api/v1/prj", json!({"name": "Internal"})).await;
    assert_eq!(
        (plain["status"].clone(), plain["probability"].clone()),
        (json!("active"), json!(100))
    );
    assert!(plain["color"].as_str().unwrap().starts_with('#'));
    let path = format!("/api/v1/prj/{}", id(&p));
    let (_, p2) = patch(&c, &s, &path, json!({"status": "proposal"})).await;
    assert_eq!(p2["probability"], 50);
    let (_, p3) = patch(&c, &s, &path, json!({"probability": 70})).await;
    assert_eq!(
        (p3["status"].clone(), p3["probability"].clone()),
        (json!("proposal"), json!(70))
    );
    let (_, p4) = patch(&c, &s, &path, json!({"status": "won"})).await;
    assert_eq!(
        p4["probability"], 100,
        "a new status without a probability takes its default"
    );
    for (body, field) in [
        (json!({"name": "x", "status": "maybe"}), "status"),
        (json!({"name": "x", "probability": 101}), "probability"),
        (json!({"name": "x", "color": "blue"}), "color"),
        (
            json!({"name": "x", "client_id": "0000000000000000"}),
            "client_id",
        ),
        (
            json!({"name": "x", "start": "2026-02-01", "end": "2026-01-01"}),
            "end",
        ),
        (json!({"name": "x", "budget_hours": -1}), "budget_hours"),
    ] {
        let (status, err) = post(&c, &s, "/api/v1/prj", body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {err}");
        assert!(
            err["error"].as_str().unwrap().contains(field),
            "{body} -> {err}"
        );
    }
    let (status, err) = delete(&c, &s, &format!("/api/v1/clients/{}", id(&acme))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    // a client with projects can be archived instead: hidden from the list, history kept
    let acme_path = format!("/api/v1/clients/{}", id(&acme));
    let (status, archived) = patch(&c, &s, &acme_path, json!({"archived": true})).await;
    assert_eq!(status, StatusCode::OK, "{archived}");
    assert_eq!(archived["archived"], true);
    assert_eq!(archived["name"], "Acme");
    assert_eq!(get(&c, &s, "/api/v1/clients").await.1, json!([]));
    let (_, all) = get(&c, &s, "/api/v1/clients?include_archived=true").await;
    assert_eq!(all.as_array().unwrap().len(), 1);
    assert_eq!(get(&c, &s, &acme_path).await.1["archived"], true);
    assert_eq!(
        patch(&c, &s, &acme_path, json!({"archived": "yes"}))
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (_, restored) = patch(&c, &s, &acme_path, json!({"archived": false})).await;
    assert_eq!(restored["archived"], false);
    assert_eq!(
        get(&c, &s, "/api/v1/clients")
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(delete(&c, &s, &path).await.0, StatusCode::NO_CONTENT);
    assert_eq!(
        delete(&c, &s, &format!("/api/v1/clients/{}", id(&acme)))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    s.stop().await;
}

#[tokio::test]
async fn allocations_validate_their_fields_and_references_and_filter_by_overlap() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "ann@x.io").await;
    let (other, _) = signup(&s, "bob@x.io").await;
    let bea = create(&c, &s, "/api/v1/people", json!({"name": "Bea"})).await;
    let prj = create(&c, &s, "/api/v1/prj", json!({"name": "Site"})).await;
    let foreign_prj = create(&other, &s, "/api/v1/prj", json!({"name": "Theirs"})).await;
    let a = create(&c, &s, "/api/v1/allocations", json!({"project_id": id(&prj), "person_id": id(&bea), "start": "2026-03-02", "end": "2026-03-06", "hours_per_day": 6})).await;
    assert_eq!(a["tentative"], false);
    let ph = create(&c, &s, "/api/v1/allocations", json!({"project_id": id(&prj), "placeholder_role": "Senior developer", "start": "2026-03-09", "end": "2026-03-20", "hours_per_day": 8, "tentative": true})).await;
    assert_eq!(ph["person_id"], Value::Null);
    let base = json!({"project_id": id(&prj), "person_id": id(&bea), "start": "2026-03-02", "end": "2026-03-06", "hours_per_day": 6});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    for (body, field) in [
        (with("hours_per_day", json!(0)), "hours_per_day"),
        (with("hours_per_day", json!(24.5)), "hours_per_day"),
        (with("end", json!("2026-03-01")), "end"),
        (with("start", json!("03/02/2026")), "start"),
        (with("project_id", json!(id(&foreign_prj))), "project_id"),
        (with("person_id", json!("0000000000000000")), "person_id"),
        (with("placeholder_role", json!("Dev")), "person_id"),
        (with("person_id", Value::Null), "person_id"),
    ] {
        let (status, err) = post(&c, &s, "/api/v1/allocations", body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {err}");
        assert!(
            err["error"].as_str().unwrap().contains(field),
            "{body} -> {err}"
        );
    }
    let (_, list) = get(&c, &s, "/api/v1/allocations?from=2026-03-07&to=2026-03-08").await;
    assert_eq!(list, json!([]));
    let (_, list) = get(&c, &s, "/api/v1/allocations?from=2026-03-06&to=2026-03-09").await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    let (_, list) = get(
        &c,
        &s,
        &format!("/api/v1/allocations?person_id={}", id(&bea)),
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(
        get(&c, &s, "/api/v1/allocations?from=2026-03-09&to=2026-03-01")
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        get(&c, &s, "/api/v1/allocations?from=yesterday").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Move it to another week and staff the placeholder.
    let (status, moved) = patch(
        &c,
        &s,
        &format!("/api/v1/allocations/{}", id(&a)),
        json!({"start": "2026-03-09", "end": "2026-03-13"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["hours_per_day"], 6.0);
    let (_, staffed) = patch(
        &c,
        &s,
        &format!("/api/v1/allocations/{}", id(&ph)),
        json!({"person_id": id(&bea)}),
    )
    .await;
    assert_eq!(
        (
            staffed["person_id"].clone(),
            staffed["placeholder_role"].clone()
        ),
        (json!(id(&bea)), Value::Null)
    );
    // Another team's allocation by id is 404, whatever the method.
    let path = format!("/api/v1/allocations/{}", id(&a));
    assert_eq!(get(&other, &s, &path).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        patch(&other, &s, &path, json!({"hours_per_day": 1}))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(delete(&other, &s, &path).await.0, StatusCode::NOT_FOUND);
    assert_eq!(delete(&c, &s, &path).await.0, StatusCode::NO_CONTENT);
    assert_eq!(get(&c, &s, &path).await.0, StatusCode::NOT_FOUND);
    s.stop().await;
}

#[tokio::test]
async fn time_off_is_per_person_or_team_wide() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "ann@x.io").await;
    let bea = create(&c, &s, "/api/v1/people", json!({"name": "Bea"})).await;
    let cy = create(&c, &s, "/api/v1/people", json!({"name": "Cy"})).await;
    create(&c, &s, "/api/v1/timeoff", json!({"person_id": id(&bea), "start": "2026-07-06", "end": "2026-07-10", "reason": "Holiday"})).await;
    let xmas = create(
        &c,
        &s,
        "/api/v1/timeoff",
        json!({"start": "2026-12-25", "end": "2026-12-26", "reason": "Christmas"}),
    )
    .await;
    let (_, for_cy) = get(&c, &s, &format!("/api/v1/timeoff?person_id={}", id(&cy))).await;
    assert_eq!(
        for_cy.as_array().unwrap().len(),
        1,
        "team holidays apply to everyone"
    );
    let (_, july) = get(&c, &s, "/api/v1/timeoff?from=2026-07-01&to=2026-07-31").await;
    assert_eq!(july.as_array().unwrap().len(), 1);
    assert_eq!(
        post(
            &c,
            &s,
            "/api/v1/timeoff",
            json!({"person_id": "nobody", "start": "2026-01-01", "end": "2026-01-01"})
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        post(
            &c,
            &s,
            "/api/v1/timeoff",
            json!({"start": "2026-01-02", "end": "2026-01-01"})
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // editing: new dates and reason; a bad edit is refused and changes nothing
    let path = format!("/api/v1/timeoff/{}", id(&xmas));
    let (status, moved) = patch(
        &c,
        &s,
        &path,
        json!({"end": "2026-12-31", "reason": "Winter break"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["start"], "2026-12-25");
    assert_eq!(moved["end"], "2026-12-31");
    assert_eq!(moved["reason"], "Winter break");
    for bad in [
        json!({"end": "2026-12-01"}),
        json!({"person_id": "nobody"}),
        json!({"start": "not a date"}),
        json!({"colour": "red"}),
    ] {
        let (status, body) = patch(&c, &s, &path, bad.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert!(body["error"].is_string());
    }
    let (status, made_personal) = patch(&c, &s, &path, json!({"person_id": id(&cy)})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(made_personal["person_id"], id(&cy).as_str());
    assert_eq!(made_personal["end"], "2026-12-31", "earlier edit kept");
    let (_, for_bea) = get(&c, &s, &format!("/api/v1/timeoff?person_id={}", id(&bea))).await;
    assert_eq!(for_bea.as_array().unwrap().len(), 1, "no longer team-wide");
    assert_eq!(
        patch(&c, &s, "/api/v1/timeoff/nope", json!({"reason": "x"}))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        delete(&c, &s, &format!("/api/v1/timeoff/{}", id(&xmas)))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    s.stop().await;
}

#[tokio::test]
async fn invites_roles_and_removal_control_who_may_do_what() {
    let s = TestServer::fresh().await;
    let (owner, _) = signup(&s, "ann@x.io").await;
    let (status, invite) = post(
        &owner,
        &s,
        "/api/v1/team/invites",
        json!({"email": "max@x.io", "role": "member"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{invite}");
    let token = invite["token"].as_str().unwrap().to_string();
    let member = client();
    let (status, max) = post(
        &member,
        &s,
        "/api/v1/usr/signup",
        json!({"email": "max@x.io", "password": "password1", "name": "Max", "invite": token}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{max}");
    assert_eq!(max["role"], "member");
    let (_, team) = get(&owner, &s, "/api/v1/team").await;
    assert_eq!(team["members"].as_array().unwrap().len(), 2);
    assert_eq!(team["week_start"], "monday");
    // The invite is used up; unknown ones are refused too.
    for t in [token.as_str(), "nonsense"] {
        let (status, err) = post(
            &client(),
            &s,
            "/api/v1/usr/signup",
            json!({"email": "eve@x.io", "password": "password1", "name": "Eve", "invite": t}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert!(err["error"].as_str().unwrap().contains("invite"));
    }
    // A member reads the schedule but cannot change it or the team.
    let prj = create(&owner, &s, "/api/v1/prj", json!({"name": "Shared"})).await;
    let (_, list) = get(&member, &s, "/api/v1/prj/list").await;
    assert_eq!(names(&list), ["Shared"]);
    for (status, what) in [
        (
            post(&member, &s, "/api/v1/prj", json!({"name": "Mine"}))
                .await
                .0,
            "create project",
        ),
        (
            patch(
                &member,
                &s,
                &format!("/api/v1/prj/{}", id(&prj)),
                json!({"name": "x"}),
            )
            .await
            .0,
            "rename",
        ),
        (
            post(&member, &s, "/api/v1/people", json!({"name": "x"}))
                .await
                .0,
            "add person",
        ),
        (
            patch(&member, &s, "/api/v1/team", json!({"name": "x"}))
                .await
                .0,
            "rename team",
        ),
        (
            post(
                &member,
                &s,
                "/api/v1/team/invites",
                json!({"email": "z@x.io", "role": "owner"}),
            )
            .await
            .0,
            "invite",
        ),
    ] {
        assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
    }
    // Promoted to manager, they can edit the schedule.
    let max_id = max["id"].as_str().unwrap();
    let (status, _) = patch(
        &owner,
        &s,
        &format!("/api/v1/team/members/{max_id}"),
        json!({"role": "manager"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        post(&member, &s, "/api/v1/prj", json!({"name": "Mine"}))
            .await
            .0,
        StatusCode::CREATED
    );
    // The only owner cannot demote themselves; removal ends the member's sessions.
    let (_, me) = get(&owner, &s, "/api/v1/usr/me").await;
    let (status, _) = patch(
        &owner,
        &s,
        &format!("/api/v1/team/members/{}", me["id"].as_str().unwrap()),
        json!({"role": "member"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        delete(&owner, &s, &format!("/api/v1/team/members/{max_id}"))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        get(&member, &s, "/api/v1/usr/me").await.0,
        StatusCode::UNAUTHORIZED
    );
    // Team settings.
    let (status, t) = patch(
        &owner,
        &s,
        "/api/v1/team",
        json!({"name": "Studio", "timezone": "Europe/London", "week_start": "sunday"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{t}");
    assert_eq!(
        (t["name"].clone(), t["timezone"].clone()),
        (json!("Studio"), json!("Europe/London"))
    );
    assert_eq!(
        patch(&owner, &s, "/api/v1/team", json!({"week_start": "someday"}))
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    s.stop().await;
}

#[tokio::test]
async fn every_change_is_in_the_activity_log_and_can_be_undone_unless_something_depends_on_it() {
    let s = TestServer::fresh().await;
    let (c, user) = signup(&s, "ann@x.io").await;
    let bea = create(&c, &s, "/api/v1/people", json!({"name": "Bea"})).await;
    let prj = create(&c, &s, "/api/v1/prj", json!({"name": "Site"})).await;
    let a = create(&c, &s, "/api/v1/allocations", json!({"project_id": id(&prj), "person_id": id(&bea), "start": "2026-03-02", "end": "2026-03-06", "hours_per_day": 6})).await;
    let apath = format!("/api/v1/allocations/{}", id(&a));
    patch(&c, &s, &apath, json!({"hours_per_day": 4})).await;
    let (_, log) = get(&c, &s, "/api/v1/activity?limit=10").await;
    let log = log.as_array().unwrap().clone();
    assert_eq!(log.len(), 4);
    assert_eq!(log[0]["summary"], "Changed Bea's Site booking to 4h/day");
    assert_eq!(log[0]["user_name"], "Ann Smith");
    assert_eq!(log[0]["undoable"], true);
    assert_eq!(log[1]["summary"], "Booked Bea on Site, 2–6 Mar");
    assert_eq!(log[1]["undoable"], false);
    assert_eq!(
        log[1]["why_not"], "Ann Smith changed the booking again since",
        "{}",
        log[1]
    );
    assert_eq!(log[0]["user_id"], user["id"]);
    assert_eq!(log[0]["changes"][0]["before"]["hours_per_day"], 6.0);
    assert_eq!(log[0]["changes"][0]["after"]["hours_per_day"], 4.0);

    // Undoing the creation first conflicts: the later edit depends on it.
    let create_entry = id(&log[1]);
    let (status, err) = post(
        &c,
        &s,
        &format!("/api/v1/activity/{create_entry}/undo"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    // Undo the edit, then the creation.
    let (status, restored) = post(
        &c,
        &s,
        &format!("/api/v1/activity/{}/undo", id(&log[0])),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{restored}");
    assert_eq!(
        restored["summary"],
        "Undid: changed Bea's Site booking to 4h/day"
    );
    assert_eq!(get(&c, &s, &apath).await.1["hours_per_day"], 6.0);
    assert_eq!(
        post(
            &c,
            &s,
            &format!("/api/v1/activity/{}/undo", id(&log[0])),
            json!({})
        )
        .await
        .0,
        StatusCode::CONFLICT,
        "twice"
    );
    assert_eq!(
        post(
            &c,
            &s,
            &format!("/api/v1/activity/{create_entry}/undo"),
            json!({})
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(get(&c, &s, &apath).await.0, StatusCode::NOT_FOUND);
    // A deleted project comes back with its allocations in one undo.
    let a2 = create(&c, &s, "/api/v1/allocations", json!({"project_id": id(&prj), "person_id": id(&bea), "start": "2026-04-01", "end": "2026-04-02", "hours_per_day": 2})).await;
    delete(&c, &s, &format!("/api/v1/prj/{}", id(&prj))).await;
    assert_eq!(
        get(&c, &s, &format!("/api/v1/allocations/{}", id(&a2)))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let s = s.restart().await;
    let (_, log) = get(&c, &s, "/api/v1/activity?limit=1").await;
    assert_eq!(log[0]["summary"], "Deleted project Site with 1 booking");
    assert_eq!(
        post(
            &c,
            &s,
            &format!("/api/v1/activity/{}/undo", id(&log[0])),
            json!({})
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        get(&c, &s, &format!("/api/v1/allocations/{}", id(&a2)))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        post(&c, &s, "/api/v1/activity/0000000000000000/undo", json!({}))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    s.stop().await;
}

#[tokio::test]
async fn the_schedule_survives_a_restart() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "ann@x.io").await;
    let bea = create(
        &c,
        &s,
        "/api/v1/people",
        json!({"name": "Bea", "weekly_hours": [6, 6, 6, 6, 0, 0, 0], "skills": ["rust"]}),
    )
    .await;
    let acme = create(&c, &s, "/api/v1/clients", json!({"name": "Acme"})).await;
    let prj = create(
        &c,
        &s,
        "/api/v1/prj",
        json!({"name": "Site", "client_id": id(&acme), "status": "proposal"}),
    )
    .await;
    create(&c, &s, "/api/v1/allocations", json!({"project_id": id(&prj), "person_id": id(&bea), "start": "2026-03-02", "end": "2026-03-06", "hours_per_day": 6, "note": "kick-off"})).await;
    create(
        &c,
        &s,
        "/api/v1/timeoff",
        json!({"start": "2026-12-25", "end": "2026-12-25"}),
    )
    .await;
    let before: Vec<Value> = futures_all(&c, &s).await;
    let s = s.restart().await;
    assert_eq!(futures_all(&c, &s).await, before);
    s.stop().await;
}

async fn futures_all(c: &reqwest::Client, s: &TestServer) -> Vec<Value> {
    let mut out = Vec::new();
    for path in [
        "/api/v1/people",
        "/api/v1/clients",
        "/api/v1/prj/list",
        "/api/v1/allocations",
        "/api/v1/timeoff",
        "/api/v1/team",
    ] {
        let (status, v) = get(c, s, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        out.push(v);
    }
    out
}

#[tokio::test]
async fn hostile_bodies_are_refused_quickly_and_by_name() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "ann@x.io").await;
    let prj = create(&c, &s, "/api/v1/prj", json!({"name": "Site"})).await;
    // Long lists are refused by their length before any work is done on them.
    let ids: Vec<String> = (0..100_000).map(|i| format!("{i:x}")).collect();
    let (status, err) = post(
        &c,
        &s,
        &format!("/api/v1/prj/{}/tasks", id(&prj)),
        json!({"name": "T", "effort_hours": 1, "depends_on": ids}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        err["error"]
            .as_str()
            .unwrap()
            .contains("depends_on: at most"),
        "{err}"
    );
    let skills: Vec<String> = (0..101).map(|i| format!("s{i}")).collect();
    for path in [
        "/api/v1/people".to_string(),
        format!("/api/v1/prj/{}/tasks", id(&prj)),
    ] {
        let (status, err) = post(
            &c,
            &s,
            &path,
            json!({"name": "X", "effort_hours": 1, "skills": skills}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(
            err["error"].as_str().unwrap().contains("skills"),
            "{path}: {err}"
        );
    }
    // Well-formed JSON of the wrong shape is 422 naming the field, not 400.
    let (status, err) = post(
        &c,
        &s,
        "/api/v1/people",
        json!({"name": "X", "weekly_hours": [1, 2, 3, 4, 5, 6, 7, 8]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        err["error"].as_str().unwrap().contains("weekly_hours"),
        "{err}"
    );
    for body in [json!(["ArrayBob"]), json!("text"), json!(42)] {
        assert_eq!(
            post(&c, &s, "/api/v1/people", body.clone()).await.0,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
    }
    for name in ["\u{0}Z", "\u{18}", "a\u{1b}[31mred"] {
        let (status, err) = post(&c, &s, "/api/v1/clients", json!({"name": name})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}");
        assert!(
            err["error"]
                .as_str()
                .unwrap()
                .contains("control characters"),
            "{err}"
        );
    }
    assert_eq!(
        get(&c, &s, "/api/v1/people").await.1,
        json!([]),
        "nothing was created"
    );
    assert_eq!(get(&c, &s, "/api/v1/clients").await.1, json!([]));
    s.stop().await;
}

#[tokio::test]
async fn winning_a_project_can_confirm_its_tentative_bookings_in_one_undoable_change() {
    let server = TestServer::fresh().await;
    let (c, _) = signup(&server, "won@example.com").await;
    let (_, person) = post(&c, &server, "/api/v1/people", json!({"name": "Wes"})).await;
    let (_, project) = post(
        &c,
        &server,
        "/api/v1/prj",
        json!({"name": "Bank rollout", "status": "proposal"}),
    )
    .await;
    let (_, other) = post(
        &c,
        &server,
        "/api/v1/prj",
        json!({"name": "Other", "status": "proposal"}),
    )
    .await;
    let book = |project: &Value, start: &str| json!({"project_id": project["id"], "person_id": person["id"], "start": start, "end": start, "hours_per_day": 4, "tentative": true});
    for start in ["2026-03-02", "2026-03-03"] {
        let (status, _) = post(&c, &server, "/api/v1/allocations", book(&project, start)).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (_, elsewhere) = post(
        &c,
        &server,
        "/api/v1/allocations",
        book(&other, "2026-03-04"),
    )
    .await;

    // Unknown options are refused and change nothing.
    let path = format!("/api/v1/prj/{}", project["id"].as_str().unwrap());
    let (status, r) = patch(
        &c,
        &server,
        &format!("{path}?confirm=yes"),
        json!({"status": "won"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{r}");

    let (status, r) = patch(
        &c,
        &server,
        &format!("{path}?confirm_tentative=true"),
        json!({"status": "won"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["status"], json!("won"));
    let tentative = |list: &Value| -> Vec<(String, bool)> {
        let mut v: Vec<(String, bool)> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["project_id"].as_str().unwrap().to_string(),
                    a["tentative"].as_bool().unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let (_, list) = get(&c, &server, "/api/v1/allocations").await;
    let mut expected = vec![
        (project["id"].as_str().unwrap().to_string(), false),
        (project["id"].as_str().unwrap().to_string(), false),
        (elsewhere["project_id"].as_str().unwrap().to_string(), true),
    ];
    expected.sort();
    assert_eq!(tentative(&list), expected);
    let (_, activity) = get(&c, &server, "/api/v1/activity?limit=1").await;
    let summary = activity[0]["summary"]
        .as_str()
        .or(activity["entries"][0]["summary"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(
        summary.contains("confirmed its 2 tentative bookings"),
        "{activity}"
    );

    // One undo puts the status and both bookings back.
    let (status, _) = post(&c, &server, "/api/v1/activity/undo", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = get(&c, &server, "/api/v1/allocations").await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|a| a["tentative"] == json!(true))
    );
    let (_, p) = get(&c, &server, &path).await;
    assert_eq!(p["status"], json!("proposal"));
}
