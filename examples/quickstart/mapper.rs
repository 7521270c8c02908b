//! The same database through the mapper: a struct becomes a table, rows become structs.

use std::collections::BTreeSet;

use cassia::prelude::*;
use cassia::schema::sync_table;
use cassia_driver::Session;
use cassia_examples::{ExampleError, check};

/// Tasks of a project, newest id first. No `keyspace` attribute: the table goes to the
/// session's keyspace.
#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(table = "tasks")]
struct Task {
    #[cassia(partition_key)]
    project: String,
    #[cassia(clustering_key, order = "desc")]
    id: i32,
    title: String,
    done: bool,
    labels: BTreeSet<String>,
}

fn task(id: i32, title: &str, done: bool, labels: &[&str]) -> Task {
    Task {
        project: "cassia".into(),
        id,
        title: title.into(),
        done,
        labels: labels.iter().map(|l| (*l).to_owned()).collect(),
    }
}

pub async fn run(session: &Session) -> Result<(), ExampleError> {
    println!("\n== Mapper");
    // Creates the table from the struct's schema (or adds missing columns); never drops.
    let report = sync_table::<Task>(session).await?;
    println!("  sync_table::<Task>: changed = {}", report.changed());
    println!("    {}", Task::schema().create_table_cql(None));

    let tasks = [
        task(1, "write the driver", true, &["driver"]),
        task(2, "write the mapper", true, &["mapper", "macros"]),
        task(3, "write the examples", false, &[]),
    ];
    for t in &tasks {
        t.insert().execute_on(session).await?;
    }
    println!("  inserted {} tasks", tasks.len());

    // Typed query: the column constants check value types at compile time.
    let newest_first = Task::objects()
        .filter(Task::PROJECT.eq("cassia"))
        .all_on(session)
        .await?;
    let expected: Vec<Task> = tasks.iter().rev().cloned().collect();
    check::same("tasks, newest id first", &expected, &newest_first)?;
    for t in &newest_first {
        println!(
            "    #{} {:<20} done={} labels={:?}",
            t.id, t.title, t.done, t.labels
        );
    }

    let open = Task::objects()
        .filter(Task::PROJECT.eq("cassia"))
        .filter(Task::ID.eq(3))
        .get_on(session)
        .await?;
    check::same("task 3", &tasks[2], &open)?;
    Task::update()
        .set(Task::DONE, true)
        .add(Task::LABELS, BTreeSet::from(["docs".to_owned()]))
        .filter(Task::PROJECT.eq("cassia"))
        .filter(Task::ID.eq(3))
        .execute_on(session)
        .await?;
    let closed = Task::objects()
        .filter(Task::PROJECT.eq("cassia"))
        .filter(Task::ID.eq(3))
        .get_on(session)
        .await?;
    check::same("task 3 done after the update", &true, &closed.done)?;
    check::same(
        "task 3 labels after the update",
        &BTreeSet::from(["docs".to_owned()]),
        &closed.labels,
    )?;
    let count = Task::objects()
        .filter(Task::PROJECT.eq("cassia"))
        .count_on(session)
        .await?;
    check::same("task count", &3, &count)?;
    println!("  task 3 marked done with label \"docs\"; {count} tasks in the project");
    Ok(())
}
