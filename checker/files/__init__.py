"""Between the disk and the models: reading YAML/JSON documents safely (:mod:`.document`),
validating them with located problems (:mod:`.validation`), the one reader of attempt tables
(:mod:`.tables`), the one sniffer telling what kind of evidence a path holds (:mod:`.sniff`),
the folders rspcheck ships (:mod:`.shipped`) and forked workers for reading many files
(:mod:`.workers`)."""
