//! Users, posts, tags, comments and likes: the blog's writes and the reads that check them.
//!
//! Every function verifies what it reads back and records what happened in the transcript,
//! so `main` reads like the story of a day on the blog.

use std::collections::BTreeSet;

use cassia::prelude::*;
use cassia_examples::{ExampleError, check};
use chrono::{DateTime, Utc};

use crate::models::{Comment, Post, PostLikes, User};

/// A user's posts, newest first: one partition, already in clustering order.
pub async fn posts_of(author: &str) -> Result<Vec<Post>, ExampleError> {
    Ok(Post::objects()
        .filter(Post::AUTHOR.eq(author))
        .all()
        .await?)
}

/// One post by its primary key.
pub async fn post(author: &str, posted_at: DateTime<Utc>) -> Result<Post, ExampleError> {
    Ok(Post::objects()
        .filter(Post::AUTHOR.eq(author))
        .filter(Post::POSTED_AT.eq(posted_at))
        .get()
        .await?)
}

/// Registers users and reads one back.
pub async fn create_users(users: &[User]) -> Result<(), ExampleError> {
    for user in users {
        // IF NOT EXISTS: a username is claimed once, even by concurrent sign-ups.
        let claimed = user.insert().if_not_exists().execute().await?;
        check::same(
            format!("sign-up of {}", user.username),
            &true,
            &claimed.applied(),
        )?;
        println!("  @{} signed up ({})", user.username, user.display_name);
    }
    if let Some(first) = users.first() {
        let again = first.insert().if_not_exists().execute().await?;
        check::same("second sign-up with a taken name", &false, &again.applied())?;
        let current: Option<User> = again.current()?;
        check::same("owner of the taken name", &Some(first.clone()), &current)?;
        println!(
            "  a second @{} was refused: the name is taken",
            first.username
        );
    }
    Ok(())
}

/// Publishes posts (in any order) and checks the author's page lists them newest first.
pub async fn publish(author: &str, posts: &[Post]) -> Result<(), ExampleError> {
    for p in posts {
        p.insert().execute().await?;
        println!("  @{author} posted {:?} at {}", p.title, p.posted_at);
    }
    let mut expected: Vec<Post> = posts.to_vec();
    expected.sort_by_key(|p| std::cmp::Reverse(p.posted_at));
    let page = posts_of(author).await?;
    check::same(format!("@{author}'s posts, newest first"), &expected, &page)?;
    println!("  @{author}'s page, newest first:");
    for p in &page {
        println!("    {}  {}", p.posted_at, p.title);
    }
    Ok(())
}

/// Adds tags to a post: a set column grows in place, without reading it first.
pub async fn tag(
    author: &str,
    posted_at: DateTime<Utc>,
    tags: &[&str],
) -> Result<(), ExampleError> {
    let before = post(author, posted_at).await?.tags;
    let added: BTreeSet<String> = tags.iter().map(|t| (*t).to_owned()).collect();
    Post::update()
        .add(Post::TAGS, added.clone())
        .filter(Post::AUTHOR.eq(author))
        .filter(Post::POSTED_AT.eq(posted_at))
        .execute()
        .await?;
    let after = post(author, posted_at).await?;
    let expected: BTreeSet<String> = before.union(&added).cloned().collect();
    check::same(format!("tags of {:?}", after.title), &expected, &after.tags)?;
    println!("  tagged {:?}: {:?}", after.title, after.tags);
    Ok(())
}

/// Appends a comment to a post's frozen comment list. The list is rewritten whole, so the
/// write is conditional on the list still being what was read (optimistic concurrency):
/// a concurrent comment makes it fail and it retries on the fresh list.
pub async fn comment(
    author: &str,
    posted_at: DateTime<Utc>,
    comment: Comment,
) -> Result<(), ExampleError> {
    const ATTEMPTS: usize = 3;
    for _ in 0..ATTEMPTS {
        let current = post(author, posted_at).await?;
        let mut comments = current.comments.clone();
        comments.push(comment.clone());
        let written = Post::update()
            .set(Post::COMMENTS, comments.clone())
            .filter(Post::AUTHOR.eq(author))
            .filter(Post::POSTED_AT.eq(posted_at))
            .iff(Post::COMMENTS.eq(current.comments.clone()))
            .execute()
            .await?;
        if written.applied() {
            let back = post(author, posted_at).await?;
            check::same(
                format!("comments of {:?}", back.title),
                &comments,
                &back.comments,
            )?;
            println!(
                "  @{} commented on {:?}: {:?} (comments: {})",
                comment.author,
                back.title,
                comment.body,
                back.comments.len()
            );
            return Ok(());
        }
    }
    Err(ExampleError::Mismatch {
        what: format!("comment by @{} on a post of @{author}", comment.author),
        expected: "the conditional write to apply".into(),
        actual: format!("refused {ATTEMPTS} times"),
    })
}

/// Counts a like: counter columns only change by increments, which servers add up.
pub async fn like(author: &str, posted_at: DateTime<Utc>) -> Result<(), ExampleError> {
    PostLikes::update()
        .incr(PostLikes::LIKES, 1)
        .filter(PostLikes::AUTHOR.eq(author))
        .filter(PostLikes::POSTED_AT.eq(posted_at))
        .execute()
        .await?;
    Ok(())
}

/// Checks the like counts of an author's posts, newest post first.
pub async fn check_likes(
    author: &str,
    expected: &[(DateTime<Utc>, i64)],
) -> Result<(), ExampleError> {
    let counts: Vec<(DateTime<Utc>, i64)> = PostLikes::objects()
        .filter(PostLikes::AUTHOR.eq(author))
        .all()
        .await?
        .into_iter()
        .map(|l| (l.posted_at, l.likes.0))
        .collect();
    check::same(
        format!("like counts of @{author}'s posts"),
        &expected.to_vec(),
        &counts,
    )?;
    for (at, n) in &counts {
        println!("  post at {at}: {n} likes");
    }
    Ok(())
}
