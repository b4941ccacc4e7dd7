#!/bin/sh
# Called by `notify` with: INSTANCE|GROUP NAME MASTER|BACKUP|FAULT|STOP PRIORITY
logger -t vrrp-notify "$1 $2 is now $3 (priority $4)"
