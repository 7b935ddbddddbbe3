"""News intake (issue 18): a report's text in, proposed records with their quotes out, for an
editor to accept or reject. Begun with the extraction's rule parts (intake/extract/)."""
