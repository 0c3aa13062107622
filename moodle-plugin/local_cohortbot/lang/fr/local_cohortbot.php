<?php
// This file is part of local_cohortbot - https://moodle.org/
//
// local_cohortbot is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// local_cohortbot is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.

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
$string['privacy:metadata'] = 'Le plugin des services web cohortbot ne stocke aucune donnée personnelle.';
$string['rolenotassignable'] = 'Ce rôle ne peut pas être attribué dans ce cours.';
$string['rolenotfound'] = 'Le rôle n\'existe pas.';
$string['servicename'] = 'cohortbot';
