//! Blog: a small blog back end on the Cassia mapper, told as a transcript.
//!
//! Users; posts per user, newest first; tags (a set); comments (a frozen list of a
//! user-defined type); like counters; and notifications of three kinds in one table,
//! read back as the right enum variant. Everything read is checked: the program exits
//! non-zero, naming the difference, if the database returns something else.
//!
//! ```sh
//! cargo run --example blog                                        # embedded emulator
//! CASSIA_CONTACT_POINTS=127.0.0.1:9042 cargo run --example blog   # a real cluster
//! ```

mod models;
mod notifications;
mod posts;

use std::process::ExitCode;

use cassia::migrate::{Migrator, Replication};
use cassia_driver::Session;
use cassia_examples::{ExampleError, report, target};
use chrono::{DateTime, TimeDelta, Utc};

use models::{Comment, CommentNotice, FollowNotice, LikeNotice, Notification, Post, User};

/// The keyspace this example owns (created, then dropped).
const KEYSPACE: &str = "cassia_blog";

#[tokio::main]
async fn main() -> ExitCode {
    report(run().await)
}

async fn run() -> Result<(), ExampleError> {
    target::with_owned_keyspace(KEYSPACE, async |target| blog(&target.session).await).await?;
    println!("\nblog: everything read back as written");
    Ok(())
}

/// Minutes after 2024-05-01 10:00 UTC: fixed times keep the transcript reproducible.
fn at(minutes: i64) -> DateTime<Utc> {
    DateTime::UNIX_EPOCH + TimeDelta::seconds(1_714_557_600 + minutes * 60)
}

async fn blog(session: &Session) -> Result<(), ExampleError> {
    println!("\n== Schema (migrations embedded at compile time from blog/migrations/)");
    // The files were written by `blog_migrate schema generate` from the models; the
    // migrator creates the keyspace, applies what is pending and records it.
    let migrator = Migrator::new(cassia::migrate!("blog/migrations"))
        .keyspace(KEYSPACE)
        .replication(Replication::simple(1));
    let report = migrator.run(session).await?;
    for m in &report.applied {
        println!(
            "  applied {} {} ({} statements)",
            m.version, m.name, m.statements
        );
    }
    // What every instance of the application does at start-up: nothing pending, so one
    // read of the history and no lock.
    let again = migrator.run(session).await?;
    println!(
        "  second start-up: {} applied, lock taken: {}",
        again.applied.len(),
        again.locked
    );
    if !again.applied.is_empty() || again.locked {
        return Err(ExampleError::Mismatch {
            what: "second migration run".into(),
            expected: "nothing applied, no lock".into(),
            actual: format!("{} applied, locked: {}", again.applied.len(), again.locked),
        });
    }
    session.use_keyspace(KEYSPACE).await?;
    // Mapper queries without an explicit session run on this one.
    cassia::connection::setup(session.clone());

    println!("\n== Users");
    let user = |name: &str, display: &str, minute| User {
        username: name.into(),
        display_name: display.into(),
        joined: at(minute),
        bio: None,
    };
    posts::create_users(&[
        User {
            bio: Some("Writes about engines.".into()),
            ..user("ada", "Ada Lovelace", 0)
        },
        user("grace", "Grace Hopper", 1),
        user("linus", "Linus", 2),
    ])
    .await?;

    println!("\n== Posts");
    let post = |minute, title: &str, body: &str| Post {
        author: "ada".into(),
        posted_at: at(minute),
        title: title.into(),
        body: body.into(),
        tags: Default::default(),
        comments: Vec::new(),
    };
    // Published out of order on purpose: the table, not the client, orders them.
    posts::publish(
        "ada",
        &[
            post(20, "Notes on the engine", "A first draft."),
            post(90, "On loops", "Cards can repeat."),
            post(45, "Bernoulli numbers", "Note G, step by step."),
        ],
    )
    .await?;

    println!("\n== Tags");
    posts::tag("ada", at(45), &["math", "engine"]).await?;
    posts::tag("ada", at(45), &["math", "history"]).await?;
    posts::tag("ada", at(90), &["loops"]).await?;

    println!("\n== Comments, likes and notifications");
    let mut sent = Vec::new();
    for (who, minute, body) in [
        ("grace", 50, "Lovely derivation."),
        ("linus", 55, "Where is step 4?"),
    ] {
        let c = Comment {
            author: who.into(),
            at: at(minute),
            body: body.into(),
        };
        posts::comment("ada", at(45), c).await?;
        let notice = Notification::Comment(CommentNotice {
            recipient: "ada".into(),
            at: at(minute),
            from_user: who.into(),
            post_at: at(45),
            excerpt: body.into(),
        });
        notifications::send(notice.clone()).await?;
        sent.push(notice);
    }
    for (who, minute, post_at) in [("grace", 60, 45), ("linus", 61, 45), ("grace", 95, 90)] {
        posts::like("ada", at(post_at)).await?;
        println!("  @{who} liked the post of {}", at(post_at));
        let notice = Notification::Like(LikeNotice {
            recipient: "ada".into(),
            at: at(minute),
            from_user: who.into(),
            post_at: at(post_at),
        });
        notifications::send(notice.clone()).await?;
        sent.push(notice);
    }
    let follow = Notification::Follow(FollowNotice {
        recipient: "ada".into(),
        at: at(70),
        from_user: "linus".into(),
    });
    notifications::send(follow.clone()).await?;
    println!("  @linus followed @ada");
    sent.push(follow);

    println!("\n== Reading it back");
    posts::check_likes("ada", &[(at(90), 1), (at(45), 2)]).await?;
    notifications::check_inbox("ada", &sent).await?;
    notifications::check_inbox("grace", &[]).await?;
    let page = posts::posts_of("ada").await?;
    println!("  @ada's page now:");
    for p in &page {
        println!(
            "    {}  {:<20} tags={:?} comments={}",
            p.posted_at,
            p.title,
            p.tags,
            p.comments.len()
        );
    }
    Ok(())
}
