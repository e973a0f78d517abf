#!/bin/sh
# keepalived's notify script for the lab (VrrpSystemTest): appends its arguments, "INSTANCE <name> <state>
# <priority>", to the log named by the instance's line in the test.
echo "$*" >> /run/jlvs-lab/vrrp-notify.log
