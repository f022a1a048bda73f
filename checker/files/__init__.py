"""Between the disk and the models: reading YAML/JSON documents safely (:mod:`.document`),
validating them with located problems (:mod:`.validation`), the folders rspcheck ships
(:mod:`.shipped`) and forked workers for reading many files (:mod:`.workers`)."""
