//! Who may use a database file at the same time: any number of servers
//! (a shared claim), or one maintenance command alone (an exclusive one,
//! `calltap rebuild`).
//!
//! An advisory lock (`flock`) on a file beside the database, `<db>.lock`,
//! taken without waiting. The kernel lets go of it when the process ends,
//! however it ends, so a crash leaves nothing to clean up; the file itself
//! stays (removing a lock file races with the next process to open it).
//! SQLite's own locks do not serve here: they guard transactions, not a
//! process's use of the file, and a rebuild's transactions would simply
//! interleave with a server's.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};

use crate::store::{Access, StoreError};

/// A held claim on a database; dropping it lets go.
pub struct FileClaim {
    _lock: Flock<File>,
}

impl std::fmt::Debug for FileClaim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FileClaim")
    }
}

/// The lock file of the database at `db`.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Claims the database at `db` for `access`, or fails at once with
/// [`StoreError::InUse`] when another claim excludes it.
pub fn claim(db: &Path, access: Access) -> Result<FileClaim, StoreError> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path(db))
        .map_err(|err| StoreError::Backend(err.into()))?;
    let arg = match access {
        Access::Shared => FlockArg::LockSharedNonblock,
        Access::Exclusive => FlockArg::LockExclusiveNonblock,
    };
    match Flock::lock(file, arg) {
        Ok(lock) => Ok(FileClaim { _lock: lock }),
        Err((_, nix::errno::Errno::EWOULDBLOCK)) => Err(StoreError::InUse { wanted: access }),
        Err((_, errno)) => Err(StoreError::Backend(std::io::Error::from(errno).into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_share_a_database_and_a_rebuild_wants_it_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("c.db");

        let serve = claim(&db, Access::Shared).expect("a server");
        let second = claim(&db, Access::Shared).expect("a second server beside it");
        let rebuild = claim(&db, Access::Exclusive);
        assert!(matches!(
            rebuild,
            Err(StoreError::InUse {
                wanted: Access::Exclusive
            })
        ));
        drop((serve, second));

        let rebuild = claim(&db, Access::Exclusive).expect("alone now");
        let serve = claim(&db, Access::Shared);
        assert!(matches!(
            serve,
            Err(StoreError::InUse {
                wanted: Access::Shared
            })
        ));
        drop(rebuild);
        assert!(lock_path(&db).ends_with("c.db.lock"));
    }
}
