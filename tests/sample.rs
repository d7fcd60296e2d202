//! The sample team: one click loads it, one click removes exactly it.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::json;

fn ids(list: &serde_json::Value) -> Vec<String> {
    let mut v: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn the_sample_team_loads_once_and_removing_it_leaves_exactly_the_teams_own_records() {
    let server = TestServer::fresh().await;
    let (c, _) = signup(&server, "sample@example.com").await;
    let (_, own) = post(
        &c,
        &server,
        "/api/v1/people",
        json!({"name": "Real Person"}),
    )
    .await;
    let (_, own_project) = post(&c, &server, "/api/v1/prj", json!({"name": "Real work"})).await;

    let (status, loaded) = post(&c, &server, "/api/v1/team/sample", json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{loaded}");
    assert_eq!(loaded["people"], json!(6));
    assert_eq!(loaded["projects"], json!(4));
    assert!(loaded["allocations"].as_u64().unwrap() > 0);
    let (_, people) = get(&c, &server, "/api/v1/people").await;
    assert_eq!(people.as_array().unwrap().len(), 7);
    let (_, allocations) = get(&c, &server, "/api/v1/allocations").await;
    assert!(
        allocations
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["tentative"] == json!(true))
    );

    // Loading twice is refused and changes nothing.
    let (status, r) = post(&c, &server, "/api/v1/team/sample", json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{r}");
    let (_, again) = get(&c, &server, "/api/v1/people").await;
    assert_eq!(ids(&again), ids(&people));

    // A booking of a real person on a sample project goes with the sample; the real
    // person's booking on real work stays.
    let sample_person = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Ada Sample")
        .unwrap()["id"]
        .clone();
    let (_, projects) = get(&c, &server, "/api/v1/prj/list").await;
    let sample_project = projects
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Sample bank rollout")
        .unwrap()["id"]
        .clone();
    let booking = |person: &serde_json::Value, project: &serde_json::Value| json!({"project_id": project, "person_id": person, "start": "2026-03-02", "end": "2026-03-06", "hours_per_day": 2});
    let (status, _) = post(
        &c,
        &server,
        "/api/v1/allocations",
        booking(&own["id"], &sample_project),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, kept) = post(
        &c,
        &server,
        "/api/v1/allocations",
        booking(&own["id"], &own_project["id"]),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = post(
        &c,
        &server,
        "/api/v1/allocations",
        booking(&sample_person, &own_project["id"]),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, removed) = delete(&c, &server, "/api/v1/team/sample").await;
    assert_eq!(status, StatusCode::OK, "{removed}");
    assert_eq!(removed["people"], json!(6));
    let (_, people) = get(&c, &server, "/api/v1/people?include_archived=true").await;
    assert_eq!(ids(&people), [own["id"].as_str().unwrap().to_string()]);
    let (_, projects) = get(&c, &server, "/api/v1/prj/list").await;
    assert_eq!(
        ids(&projects),
        [own_project["id"].as_str().unwrap().to_string()]
    );
    let (_, clients) = get(&c, &server, "/api/v1/clients?include_archived=true").await;
    assert!(clients.as_array().unwrap().is_empty(), "{clients}");
    let (_, allocations) = get(&c, &server, "/api/v1/allocations").await;
    assert_eq!(
        ids(&allocations),
        [kept["id"].as_str().unwrap().to_string()]
    );

    // Nothing left to remove: 404. Removing is one change: undo brings it all back.
    let (status, r) = delete(&c, &server, "/api/v1/team/sample").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{r}");
    let (status, r) = post(&c, &server, "/api/v1/activity/undo", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let (_, people) = get(&c, &server, "/api/v1/people").await;
    assert_eq!(people.as_array().unwrap().len(), 7);
}

#[tokio::test]
async fn members_cannot_load_the_sample_team() {
    let server = TestServer::fresh().await;
    let (owner, _) = signup(&server, "owner@example.com").await;
    let (_, invite) = post(
        &owner,
        &server,
        "/api/v1/team/invites",
        json!({"email": "m@example.com", "role": "member"}),
    )
    .await;
    let member = client();
    let (status, r) = post(&member, &server, "/api/v1/usr/signup",
        json!({"email": "m@example.com", "password": "correct horse", "name": "Mo", "invite": invite["token"]})).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let (status, r) = post(&member, &server, "/api/v1/team/sample", json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{r}");
    let (_, people) = get(&owner, &server, "/api/v1/people").await;
    assert!(people.as_array().unwrap().is_empty());
}
