package io.ernieneo4j.tests.classpath;

/** The small graph that is not WordNet, shared by the alignment procedure tests and the Spark job's. */
final class NamedEntityGraph {

    private NamedEntityGraph() {}

    /**
     * A graph named the way most graphs are: a primary {@code name}, {@code aliases} beside it, and the degree as
     * prior. "Jaguar" is the animal's name and an alias of the car maker, which has the higher degree; the planet
     * Mercury has a higher degree than the element; the acronym GAS has a higher degree than the state of matter.
     */
    static final String ENTITIES = """
            CREATE (dc:Entity {name: 'Washington, D.C.', aliases: ['DC'], description: 'capital of the United States'}),
                   (wa:Entity {name: 'Washington', aliases: ['Washington State'], description: 'a US state'}),
                   (gw:Entity {name: 'George Washington', description: 'first president of the United States'}),
                   (us:Entity {name: 'United States', aliases: ['US', 'USA', 'America']}),
                   (potomac:Entity {name: 'Potomac River'}),
                   (mp:Entity {name: 'Mercury (planet)', description: 'the smallest planet'}),
                   (me:Entity {name: 'Mercury (element)', aliases: ['quicksilver', 'Hg'], description: 'a metal'}),
                   (sun:Entity {name: 'Sun'}),
                   (moon:Entity {name: 'Moon', aliases: ['Luna']}),
                   (sw4:Entity {name: 'Star Wars: A New Hope', aliases: ['A New Hope'], description: '1977 film'}),
                   (sw:Entity {name: 'Star Wars', description: 'a film franchise'}),
                   (lucas:Entity {name: 'George Lucas'}),
                   (nasa:Entity {name: 'NASA', aliases: ['National Aeronautics and Space Administration']}),
                   (gas:Entity {name: 'GAS', aliases: ['Get Away Special'], description: 'small payloads on the Shuttle'}),
                   (:Entity {name: 'gas', description: 'a state of matter'}),
                   (:Entity {name: 'transport', aliases: ['transportation'], description: 'moving goods or people'}),
                   (jaguar:Entity {name: 'Jaguar', aliases: ['Panthera onca'], description: 'a big cat'}),
                   (cars:Entity {name: 'Jaguar Cars', aliases: ['Jaguar', 'Jaguar Land Rover'], description: 'a car maker'}),
                   (tata:Entity {name: 'Tata Motors'}),
                   (uk:Entity {name: 'United Kingdom', aliases: ['UK', 'Britain']}),
                   (amazon:Entity {name: 'Amazon rainforest'}),
                   (apollo:Entity {name: 'Apollo 11'}),
                   (saturn:Entity {name: 'Saturn V'}),
                   (florida:Entity {name: 'Florida'}),
                   (armstrong:Entity {name: 'Neil Armstrong'}),
                   (dc)-[:CAPITAL_OF]->(us), (dc)-[:ON]->(potomac), (wa)-[:PART_OF]->(us), (gw)-[:PRESIDENT_OF]->(us),
                   (florida)-[:PART_OF]->(us), (nasa)-[:AGENCY_OF]->(us), (mp)-[:ORBITS]->(sun),
                   (sw4)-[:PART_OF]->(sw), (lucas)-[:DIRECTED]->(sw4), (apollo)-[:OPERATED_BY]->(nasa),
                   (apollo)-[:LAUNCHED_ON]->(saturn), (apollo)-[:LANDED_ON]->(moon), (apollo)-[:LAUNCHED_FROM]->(florida),
                   (armstrong)-[:CREW_OF]->(apollo), (gas)-[:RUN_BY]->(nasa), (jaguar)-[:LIVES_IN]->(amazon),
                   (cars)-[:OWNED_BY]->(tata), (cars)-[:BASED_IN]->(uk)
            RETURN 1""";
}
