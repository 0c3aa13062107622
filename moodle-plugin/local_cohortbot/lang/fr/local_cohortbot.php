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

/**
 * Chaînes en français.
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$string['ambiguousparams'] = 'Indiquez exactement un des paramètres possibles (id ou idnumber de la cohorte, id ou nom court du rôle).';
$string['cohortbot:use'] = 'Utiliser les services web de cohortbot';
$string['cohortnotavailable'] = 'Cette cohorte n\'est pas disponible pour ce cours.';
$string['cohortnotfound'] = 'La cohorte n\'existe pas.';
$string['eventcohortsyncchanged'] = 'Synchronisation de cohorte modifiée par cohortbot';
$string['groupnotincourse'] = 'Le groupe n\'appartient pas à ce cours.';
$string['instanceexists'] = 'Cette cohorte est déjà synchronisée avec le rôle choisi.';
$string['notcohortinstance'] = 'Cette méthode d\'inscription n\'est pas une synchronisation de cohorte.';
$string['onbehalfrequired'] = 'Une demande doit nommer l’utilisateur Moodle pour qui elle est faite (onbehalfof) : le bot n’agit jamais avec les droits de son propre compte.';
$string['onbehalfnopermission'] = 'La personne pour qui la demande est faite ne peut pas configurer la synchronisation de cohortes dans ce cours.';
$string['plugindisabled'] = 'Le plugin d\'inscription « Synchronisation des cohortes » est désactivé sur ce site.';
$string['pluginname'] = 'Services web cohortbot';
$string['privacy:metadata:cohortbot'] = 'Le service cohortbot (détenteur du jeton de service web) lit ces données par le plugin pour tenir les cohortes à jour d\'après l\'annuaire de l\'université et répondre aux enseignants et au support. Sa propre notice de confidentialité dit combien de temps il les garde.';
$string['privacy:metadata:cohortbot:cohortmembership'] = 'Les cohortes dont l\'utilisateur est membre';
$string['privacy:metadata:cohortbot:email'] = 'L\'adresse de courriel, quand cohortbot associe les comptes par courriel';
$string['privacy:metadata:cohortbot:enrolments'] = 'Les inscriptions, rôles et accès d\'un utilisateur dans un cours (le diagnostic d\'inscription)';
$string['privacy:metadata:cohortbot:idnumber'] = 'Le numéro d\'identification, quand cohortbot associe les comptes par ce numéro';
$string['privacy:metadata:cohortbot:suspended'] = 'Si le compte est suspendu';
$string['privacy:metadata:cohortbot:userid'] = 'L\'identifiant de l\'utilisateur';
$string['privacy:metadata:cohortbot:username'] = 'Le nom d\'utilisateur, quand cohortbot associe les comptes par nom d\'utilisateur';
$string['rolenotassignable'] = 'Ce rôle ne peut pas être attribué dans ce cours.';
$string['rolenotfound'] = 'Le rôle n\'existe pas.';
$string['servicename'] = 'cohortbot';
