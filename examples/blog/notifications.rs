//! Notifications of several kinds in one table: written as their own structs, read back
//! through the `Notification` enum as the right variant per row.

use cassia::prelude::*;
use cassia_examples::{ExampleError, check};

use crate::models::{CommentNotice, LikeNotice, Notification};

/// Stores a notification; the variant writes its own `kind` value.
pub async fn send(notification: Notification) -> Result<(), ExampleError> {
    notification.insert().execute().await?;
    Ok(())
}

/// A user's notifications, newest first, each as its own variant.
pub async fn inbox(recipient: &str) -> Result<Vec<Notification>, ExampleError> {
    Ok(Notification::objects()
        .filter(LikeNotice::RECIPIENT.on::<Notification>().eq(recipient))
        .all()
        .await?)
}

/// Reads the inbox back, checks it against what was sent, and prints it.
pub async fn check_inbox(recipient: &str, sent: &[Notification]) -> Result<(), ExampleError> {
    let mut expected = sent.to_vec();
    expected.sort_by_key(|n| std::cmp::Reverse(at(n)));
    let inbox = inbox(recipient).await?;
    check::same(format!("@{recipient}'s notifications"), &expected, &inbox)?;
    println!("  @{recipient}'s notifications, newest first:");
    for n in &inbox {
        println!("    {}", describe(n));
    }
    // Querying one variant reads only its kind.
    let comments = CommentNotice::objects()
        .filter(CommentNotice::RECIPIENT.eq(recipient))
        .all()
        .await?;
    let expected_comments: Vec<CommentNotice> = expected
        .iter()
        .filter_map(|n| match n {
            Notification::Comment(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    check::same(
        format!("@{recipient}'s comment notifications"),
        &expected_comments,
        &comments,
    )?;
    println!("  of which {} are comments", comments.len());
    Ok(())
}

fn at(n: &Notification) -> chrono::DateTime<chrono::Utc> {
    match n {
        Notification::Like(l) => l.at,
        Notification::Comment(c) => c.at,
        Notification::Follow(f) => f.at,
    }
}

/// One transcript line per notification; the match is exhaustive, so a new kind of
/// notification cannot be forgotten here.
fn describe(n: &Notification) -> String {
    match n {
        Notification::Like(l) => {
            format!(
                "{}  @{} liked your post of {}",
                l.at, l.from_user, l.post_at
            )
        }
        Notification::Comment(c) => format!(
            "{}  @{} commented on your post of {}: {:?}",
            c.at, c.from_user, c.post_at, c.excerpt
        ),
        Notification::Follow(f) => format!("{}  @{} followed you", f.at, f.from_user),
    }
}
