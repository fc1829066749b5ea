#!/usr/bin/env bash
# Nightly backup of the portal (docs/operations.md §1): a custom-format pg_dump of the database
# and a tar of the media directory, checked, rotated (35 daily, 7 years of monthly) and copied
# off the server. Run as the postgres user from cron. Settings through the environment:
#   PORTAL_DB=portal  MEDIA_DIR=/srv/portal/media  BACKUP_DIR=/var/backups/portal
#   OFFSITE=backup.xunxian.intranet:/backups/portal   (empty: no copy; then copy it another way!)
set -euo pipefail
db="${PORTAL_DB:-portal}"
media="${MEDIA_DIR:-/srv/portal/media}"
dest="${BACKUP_DIR:-/var/backups/portal}"
day="$(date +%F)"
mkdir -p "$dest/daily" "$dest/monthly"

# custom format: compressed, one consistent snapshot, restorable table by table and in parallel
pg_dump --format=custom --compress=6 --file="$dest/daily/portal-$day.dump" "$db"
pg_restore --list "$dest/daily/portal-$day.dump" >/dev/null          # the file is readable
tar -C "$media" -czf "$dest/daily/media-$day.tar.gz" .

if [ "$(date +%d)" = "01" ]; then
  cp "$dest/daily/portal-$day.dump" "$dest/daily/media-$day.tar.gz" "$dest/monthly/"
fi
find "$dest/daily" -type f -mtime +35 -delete
find "$dest/monthly" -type f -mtime +2557 -delete

if [ -n "${OFFSITE:-}" ]; then
  rsync -a --delete "$dest/" "$OFFSITE/"
fi
echo "portal backup $day: $(du -sh "$dest/daily/portal-$day.dump" | cut -f1) database, $(du -sh "$dest/daily/media-$day.tar.gz" | cut -f1) media"
