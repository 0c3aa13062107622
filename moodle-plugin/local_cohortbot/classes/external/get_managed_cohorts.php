<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

namespace local_cohortbot\external;

use core_external\external_api;
use core_external\external_function_parameters;
use core_external\external_multiple_structure;
use core_external\external_single_structure;
use core_external\external_value;
use local_cohortbot\local\sync_reads;

defined('MOODLE_INTERNAL') || die();

/**
 * The cohorts whose idnumber starts with a prefix (the sync's own), with member counts: one query;
 * given a user field, each with the fingerprint of its members' keys (one more query, summed in PHP in
 * one pass), so the sync reads member by member only the cohorts that changed.
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_managed_cohorts extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'idnumberprefix' => new external_value(PARAM_RAW, 'The idnumber prefix of the managed cohorts, e.g. etp:'),
            'userfield' => new external_value(PARAM_ALPHA, 'username, idnumber or email: adds each cohort\'s fingerprint',
                VALUE_DEFAULT, ''),
        ]);
    }

    /**
     * List them.
     *
     * @param string $idnumberprefix
     * @param string $userfield
     * @return array
     */
    public static function execute(string $idnumberprefix, string $userfield = ''): array {
        global $DB;
        $p = self::validate_parameters(self::execute_parameters(), compact('idnumberprefix', 'userfield'));
        if ($p['idnumberprefix'] === '') {
            throw new \invalid_parameter_exception('idnumberprefix cannot be empty');
        }
        sync_reads::system_context($p['userfield'] === '' ? null : $p['userfield']);
        $like = $DB->sql_like('c.idnumber', ':prefix', true, true);
        $rows = $DB->get_records_sql("SELECT c.id, c.idnumber, c.name, c.visible, c.contextid, COUNT(cm.id) AS membercount
                                         FROM {cohort} c
                                    LEFT JOIN {cohort_members} cm ON cm.cohortid = c.id
                                        WHERE $like
                                     GROUP BY c.id, c.idnumber, c.name, c.visible, c.contextid
                                     ORDER BY c.id", ['prefix' => $DB->sql_like_escape($p['idnumberprefix']) . '%']);
        sync_reads::require_cohort_view(array_map(fn($r) => (int)$r->contextid, $rows));
        $sums = $p['userfield'] === '' ? null : self::fingerprints($like, $p['idnumberprefix'], $p['userfield']);
        $cohorts = [];
        foreach ($rows as $r) {
            $cohort = ['id' => (int)$r->id, 'idnumber' => (string)$r->idnumber, 'name' => (string)$r->name,
                'visible' => (bool)$r->visible, 'contextid' => (int)$r->contextid, 'membercount' => (int)$r->membercount];
            if ($sums !== null) {
                [$n, $hi, $lo] = $sums[(int)$r->id] ?? [0, 0, 0];
                $cohort['fingerprint'] = sprintf('%d-%08x%08x', $n, $hi, $lo);
            }
            $cohorts[] = $cohort;
        }
        return ['cohorts' => $cohorts];
    }

    /**
     * Per cohort: the count of its live members (not deleted; suspended ones count) and the sums,
     * modulo 2^32, of the two halves of FNV-1a 64 of each member's key, lower-cased as the sync matches
     * it — the arithmetic of cohortbot's src/domain/fingerprint.ts. Summed in PHP over one recordset, so
     * the SQL is the same on every database Moodle supports (no hash function is common to them all).
     *
     * @param string $like the sql_like() condition on c.idnumber, with :prefix
     * @param string $prefix
     * @param string $userfield username, idnumber or email
     * @return array cohort id => [count, hi, lo]
     */
    public static function fingerprints(string $like, string $prefix, string $userfield): array {
        global $DB;
        $sums = [];
        $rs = $DB->get_recordset_sql("SELECT cm.id, cm.cohortid, u.$userfield AS ukey
                                        FROM {cohort} c
                                        JOIN {cohort_members} cm ON cm.cohortid = c.id
                                        JOIN {user} u ON u.id = cm.userid AND u.deleted = 0
                                       WHERE $like", ['prefix' => $DB->sql_like_escape($prefix) . '%']);
        foreach ($rs as $r) {
            $key = (string)$r->ukey;
            [$hi, $lo] = self::key_hash($userfield === 'idnumber' ? $key : \core_text::strtolower($key));
            $s = $sums[(int)$r->cohortid] ?? [0, 0, 0];
            $sums[(int)$r->cohortid] = [$s[0] + 1, ($s[1] + $hi) & 0xFFFFFFFF, ($s[2] + $lo) & 0xFFFFFFFF];
        }
        $rs->close();
        return $sums;
    }

    /**
     * One key's hash: FNV-1a 64, each 32-bit half through MurmurHash3's fmix32 (FNV alone is nearly
     * linear in the last byte, so two pairs of sequential student numbers could sum alike).
     *
     * @param string $key
     * @return int[] [high half, low half]
     */
    public static function key_hash(string $key): array {
        $h = hash('fnv1a64', $key);
        return [self::fmix32(hexdec(substr($h, 0, 8))), self::fmix32(hexdec(substr($h, 8, 8)))];
    }

    /**
     * MurmurHash3's fmix32 on 0 ≤ $x < 2^32.
     *
     * @param int $x
     * @return int
     */
    private static function fmix32(int $x): int {
        $x ^= $x >> 16;
        $x = self::mul32($x, 0x85ebca6b);
        $x ^= $x >> 13;
        $x = self::mul32($x, 0xc2b2ae35);
        return $x ^ ($x >> 16);
    }

    /**
     * $a × $b modulo 2^32 from 16-bit partial products: PHP's integers are 64-bit signed, so a full
     * 32 × 32-bit product would overflow into a float.
     *
     * @param int $a
     * @param int $b
     * @return int
     */
    private static function mul32(int $a, int $b): int {
        return ((((($a >> 16) * $b) & 0xFFFF) << 16) + (($a & 0xFFFF) * $b)) & 0xFFFFFFFF;
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'cohorts' => new external_multiple_structure(new external_single_structure([
                'id' => new external_value(PARAM_INT, 'Cohort id'),
                'idnumber' => new external_value(PARAM_RAW, 'Cohort idnumber'),
                'name' => new external_value(PARAM_RAW, 'Cohort name, as stored'),
                'visible' => new external_value(PARAM_BOOL, 'Visible'),
                'contextid' => new external_value(PARAM_INT, 'Context id'),
                'membercount' => new external_value(PARAM_INT, 'Members'),
                'fingerprint' => new external_value(PARAM_ALPHANUMEXT,
                    'Live members and the sums of their keys\' FNV-1a 64 halves (when userfield is given)', VALUE_OPTIONAL),
            ])),
        ]);
    }
}
