use super::*;
use crate::domain::{AuthUser, Role};
use serde_json::json;

fn person(id: &str, role: Option<&str>, cost: Option<f64>, bill: Option<f64>) -> Person {
    serde_json::from_value(json!({"id": id, "team_id": "t", "name": id, "email": null,
        "role": role, "skills": [], "weekly_hours": [8,8,8,8,8,0,0], "timezone": null,
        "start_date": null, "end_date": null, "cost_rate": cost, "bill_rate": bill,
        "user_id": null, "archived": false}))
    .unwrap()
}

fn project(overrides: serde_json::Value) -> Project {
    serde_json::from_value(json!({"id": "p", "team_id": "t", "name": "P",
        "rate_overrides": overrides, "created_at": 0, "updated_at": 0}))
    .unwrap()
}

fn card() -> RateCard {
    serde_json::from_value(json!({"roles": {
        "Developer": {"cost_rate": 60, "bill_rate": 120},
        "Designer": {"cost_rate": 50}}}))
    .unwrap()
}

#[test]
fn bill_rate_takes_the_projects_override_for_the_person_first() {
    let ann = person("ann", Some("Developer"), Some(70.0), Some(150.0));
    let p = project(json!([{"role": "Developer", "bill_rate": 200},
        {"person_id": "ann", "bill_rate": 175.5}]));
    assert_eq!(bill_rate(&p, Booked::Person(&ann), &card()), Money(17_550));
}

#[test]
fn bill_rate_then_takes_the_projects_override_for_the_role() {
    let ann = person("ann", Some("Developer"), Some(70.0), Some(150.0));
    let p = project(json!([{"role": "Developer", "bill_rate": 200},
        {"person_id": "someone-else", "bill_rate": 1}]));
    assert_eq!(bill_rate(&p, Booked::Person(&ann), &card()), Money(20_000));
}

#[test]
fn bill_rate_then_takes_the_persons_own_rate() {
    let ann = person("ann", Some("Developer"), Some(70.0), Some(150.0));
    let p = project(json!([{"role": "Designer", "bill_rate": 200}]));
    assert_eq!(bill_rate(&p, Booked::Person(&ann), &card()), Money(15_000));
}

#[test]
fn bill_rate_then_takes_the_rate_card_for_the_role() {
    let ben = person("ben", Some("Developer"), None, None);
    assert_eq!(
        bill_rate(&project(json!([])), Booked::Person(&ben), &card()),
        Money(12_000)
    );
}

#[test]
fn bill_rate_is_otherwise_zero() {
    let dan = person("dan", Some("Intern"), None, None);
    let nobody = person("eve", None, None, None);
    let cat = person("cat", Some("Designer"), None, None); // the card has no bill rate
    for who in [&dan, &nobody, &cat] {
        assert_eq!(
            bill_rate(&project(json!([])), Booked::Person(who), &card()),
            Money::ZERO
        );
    }
}

#[test]
fn a_placeholder_bills_by_its_roles_override_then_the_rate_card() {
    let p = project(json!([{"role": "Developer", "bill_rate": 95}]));
    assert_eq!(
        bill_rate(&p, Booked::Placeholder("Developer"), &card()),
        Money(9_500)
    );
    assert_eq!(
        bill_rate(
            &project(json!([])),
            Booked::Placeholder("Developer"),
            &card()
        ),
        Money(12_000)
    );
    assert_eq!(
        bill_rate(&project(json!([])), Booked::Placeholder("Tester"), &card()),
        Money::ZERO
    );
    assert_eq!(
        cost_rate(Booked::Placeholder("Designer"), &card()),
        Money(5_000)
    );
}

#[test]
fn cost_rate_is_the_persons_then_the_rate_cards_then_zero() {
    let ann = person("ann", Some("Developer"), Some(70.25), None);
    let ben = person("ben", Some("Developer"), None, None);
    let dan = person("dan", Some("Intern"), None, None);
    assert_eq!(cost_rate(Booked::Person(&ann), &card()), Money(7_025));
    assert_eq!(cost_rate(Booked::Person(&ben), &card()), Money(6_000));
    assert_eq!(cost_rate(Booked::Person(&dan), &card()), Money::ZERO);
}

#[test]
fn amounts_show_two_places_and_round_to_the_cent() {
    assert_eq!(serde_json::to_string(&Money(123_450)).unwrap(), "1234.50");
    assert_eq!(serde_json::to_string(&Money(-5)).unwrap(), "-0.05");
    assert_eq!(serde_json::to_string(&Money(7)).unwrap(), "0.07");
    let m: Money = serde_json::from_str("0.1").unwrap();
    assert_eq!(m, Money(10));
    let m: Money = serde_json::from_str("\"19.999\"").unwrap();
    assert_eq!(m, Money(2_000));
    // Ten times 0.10 is exactly 1.00: whole cents, not binary fractions.
    let sum: i64 = (0..10).map(|_| Money(10).cents()).sum();
    assert_eq!(Money(sum).decimal(), "1.00");
    assert!(serde_json::from_str::<Money>("1e300").is_err());
}

#[test]
fn micros_round_halves_away_from_zero() {
    assert_eq!(Money::from_micros(5_000), Money(1));
    assert_eq!(Money::from_micros(4_999), Money(0));
    assert_eq!(Money::from_micros(-5_000), Money(-1));
    assert_eq!(Money::from_micros(1_234_567), Money(123));
}

#[test]
fn currencies_are_real_iso_codes() {
    assert!(
        CURRENCIES.windows(2).all(|w| w[0] < w[1]),
        "sorted for the lookup"
    );
    assert_eq!(check_currency("currency", "eur").unwrap(), "EUR");
    assert_eq!(check_currency("currency", "USD").unwrap(), "USD");
    for bad in ["", "EURO", "XYZ", "usd1", "ABC"] {
        assert!(check_currency("currency", bad).is_err(), "{bad}");
    }
}

#[test]
fn overrides_name_a_person_or_a_role() {
    let ok: Vec<RateOverride> =
        serde_json::from_value(json!([{"role": " Developer ", "bill_rate": 10}])).unwrap();
    assert_eq!(
        check_overrides(ok).unwrap()[0].role.as_deref(),
        Some("Developer")
    );
    for bad in [
        json!([{"bill_rate": 10}]),
        json!([{"person_id": "a", "role": "Developer", "bill_rate": 10}]),
        json!([{"role": "Developer", "bill_rate": -1}]),
    ] {
        let list: Vec<RateOverride> = serde_json::from_value(bad).unwrap();
        assert!(check_overrides(list).is_err());
    }
}

#[test]
fn members_may_not_see_money_and_their_records_lose_it() {
    let member = AuthUser {
        user_id: "u".into(),
        team_id: "t".into(),
        role: Role::Member,
        scenario: None,
    };
    assert!(matches!(
        member.require_money(),
        Err(crate::AppError::Forbidden(_))
    ));
    for role in [Role::Owner, Role::Manager] {
        assert!(
            AuthUser {
                role,
                ..member.clone()
            }
            .require_money()
            .is_ok()
        );
    }
    let mut p = serde_json::to_value(person("ann", None, Some(1.0), Some(2.0))).unwrap();
    hide_money("person", &mut p);
    assert!(p.get("cost_rate").is_none() && p.get("bill_rate").is_none());
    assert_eq!(p["name"], "ann");
    let mut pr = serde_json::to_value(project(json!([]))).unwrap();
    hide_money("project", &mut pr);
    for f in ["fee", "budget_amount", "rate_overrides"] {
        assert!(pr.get(f).is_none(), "{f}");
    }
}

#[test]
fn billing_follows_billable_for_older_records_and_clients() {
    use crate::domain::ProjectInput;
    let old: Project = serde_json::from_value(json!({"id": "p", "team_id": "t", "name": "P",
        "billable": false, "created_at": 0, "updated_at": 0}))
    .unwrap();
    assert_eq!(old.billing(), Billing::NonBillable);
    let make = |v: serde_json::Value| {
        let input: ProjectInput = serde_json::from_value(v).unwrap();
        Project::from_input("p".into(), "t".into(), input, 0, 0)
    };
    let p = make(json!({"name": "P", "billable": false})).unwrap();
    assert_eq!((p.billing, p.billable), (Billing::NonBillable, false));
    let p = make(json!({"name": "P", "billing": "fixed_fee", "fee": 5000})).unwrap();
    assert_eq!(
        (p.billing, p.fee),
        (Billing::FixedFee, Some(Money(500_000)))
    );
    assert!(make(json!({"name": "P", "billing": "fixed_fee"})).is_err());
    assert!(
        make(json!({"name": "P", "billing": "fixed_fee", "fee": 1, "billable": false})).is_err()
    );
    let p = make(json!({"name": "P", "billing": "time_and_materials", "fee": 5})).unwrap();
    assert_eq!(p.fee, None);
    // PATCH with one of the two fields: it decides.
    let back = crate::domain::project::patch_project(
        &make(json!({"name": "P", "billable": false})).unwrap(),
        json!({"billing": "time_and_materials"}),
        1,
    )
    .unwrap();
    assert_eq!(
        (back.billing(), back.billable),
        (Billing::TimeAndMaterials, true)
    );
    let off = crate::domain::project::patch_project(&back, json!({"billable": false}), 2).unwrap();
    assert_eq!(off.billing(), Billing::NonBillable);
}
